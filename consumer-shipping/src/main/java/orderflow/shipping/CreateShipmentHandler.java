package orderflow.shipping;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import orderflow.consume.EventHandler;
import orderflow.consume.HandlerContext;
import orderflow.consume.TransientFailureException;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.InventoryReserved;
import orderflow.envelope.OrderShipped;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships a reserved order: creates its one shipment and emits {@code OrderShipped}. An order that
 * already has a shipment (the same reservation redelivered under another eventId, or a second
 * instance that got there first) gets no second one: {@code OrderShipped} is emitted again with the
 * existing shipment, so the saga still moves on.
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
