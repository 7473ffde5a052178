package orderflow.shipping;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import orderflow.consume.EventHandler;
import orderflow.consume.HandlerContext;
import orderflow.consume.TransientFailureException;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.InventoryReserved;
import orderflow.envelope.OrderShipped;
import orderflow.envelope.ShipmentFailed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships a reserved order: creates its one shipment and emits {@code OrderShipped}; or, when no
 * carrier serves its destination ({@link Carriers#refusal}), refuses it with {@code ShipmentFailed}
 * (a business outcome: inventory releases the stock). The order's outcome is claimed first ({@link
 * OrderOutcomes}): an order already decided keeps its outcome and has it announced again. So a
 * reservation that arrives after the order was cancelled does not ship (it announces {@code
 * ShipmentCancelled} again, and inventory releases it), and one redelivered under another eventId,
 * or taken by a second instance first, gets no second shipment.
 *
 * <p>Runs inside the runtime's transaction (the inbox has already absorbed exact duplicates).
 * Thread-safe: it keeps no state of its own.
 */
public final class CreateShipmentHandler implements EventHandler {
  private static final Logger log = LoggerFactory.getLogger(CreateShipmentHandler.class);

  private final Clock clock;

  public CreateShipmentHandler(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void handle(EventEnvelope event, HandlerContext context) throws SQLException {
    InventoryReserved reserved = event.payloadAs(InventoryReserved.class);
    Connection connection = context.connection();
    Optional<String> refusal = Carriers.refusal(reserved.shippingAddress());
    OrderOutcomes.Outcome proposed =
        refusal.isPresent() ? OrderOutcomes.Outcome.FAILED : OrderOutcomes.Outcome.SHIPPED;
    if (!OrderOutcomes.claim(
        connection, reserved.orderId(), proposed, refusal.orElse(null), clock.millis())) {
      OrderOutcomes.Decision earlier = OrderOutcomes.earlier(connection, reserved.orderId());
      if (earlier.outcome() != OrderOutcomes.Outcome.SHIPPED) {
        log.info(
            "order {} was {} before its reservation arrived; not shipping",
            reserved.orderId(),
            earlier.outcome());
        context.emit(OutcomeEvents.of(reserved.orderId(), earlier));
        return;
      }
    } else if (refusal.isPresent()) {
      log.info("order {} refused: {}", reserved.orderId(), refusal.get());
      context.emit(new ShipmentFailed(reserved.orderId(), refusal.get()));
      return;
    }
    Shipment created = newShipment(reserved);
    Shipment shipment;
    if (ShipmentStore.insertIfAbsent(connection, created)) {
      shipment = created;
      log.info(
          "order {} shipped: shipment {} with {} {}",
          reserved.orderId(),
          shipment.shipmentId(),
          shipment.carrier(),
          shipment.trackingNumber());
    } else {
      shipment =
          ShipmentStore.findByOrder(connection, reserved.orderId())
              .orElseThrow(
                  () ->
                      // Only a concurrent writer rolling back can cause this: try again later.
                      new TransientFailureException(
                          "shipment of order " + reserved.orderId() + " vanished"));
      log.info(
          "order {} already has shipment {}; announcing it again (event {})",
          reserved.orderId(),
          shipment.shipmentId(),
          event.eventId());
    }
    context.emit(
        new OrderShipped(
            shipment.orderId(),
            shipment.shipmentId(),
            shipment.carrier(),
            shipment.trackingNumber()));
  }

  private Shipment newShipment(InventoryReserved reserved) {
    String shipmentId = UUID.randomUUID().toString();
    Carriers.Carrier carrier = Carriers.forOrder(reserved.orderId());
    Instant now = clock.instant();
    return new Shipment(
        shipmentId,
        reserved.orderId(),
        reserved.reservationId(),
        carrier.name(),
        Carriers.trackingNumber(carrier, shipmentId),
        ShipmentStatus.SHIPPED,
        now,
        now,
        reserved.items().stream()
            .map(item -> new Shipment.Item(item.productId(), item.quantity()))
            .toList());
  }
}
