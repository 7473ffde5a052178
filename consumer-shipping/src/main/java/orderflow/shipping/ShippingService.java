package orderflow.shipping;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import orderflow.consume.HandlerContext;
import orderflow.consume.ServiceDefinition;
import orderflow.consume.TransientFailureException;
import orderflow.envelope.CancellationRefused;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventLimits;
import orderflow.envelope.EventType;
import orderflow.envelope.InventoryReserved;
import orderflow.envelope.OrderCancelled;
import orderflow.envelope.OrderShipped;
import orderflow.shipping.ShipmentStore.Decision;
import orderflow.shipping.ShipmentStore.Outcome;
import orderflow.topology.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each order's first event decides its outcome ({@link ShipmentStore#decide}); every later one
 * announces it again. Shipping cannot be undone, so the race with a cancellation ends here: an
 * order not shipped is cancelled, a shipped or failed one refuses the cancellation.
 */
public final class ShippingService {
  public static final String NAME = "shipping";

  private static final Logger log = LoggerFactory.getLogger(ShippingService.class);

  private final Clock clock;

  private ShippingService(Clock clock) {
    this.clock = clock;
  }

  public static ServiceDefinition definition(Clock clock) {
    ShippingService service = new ShippingService(clock);
    return new ServiceDefinition(
        NAME,
        Topology.SHIPPING_QUEUE,
        Map.of(
            EventType.INVENTORY_RESERVED, service::ship,
            EventType.ORDER_CANCELLED, service::cancel),
        List.of());
  }

  private void ship(EventEnvelope event, HandlerContext context) throws SQLException {
    InventoryReserved reserved = event.payloadAs(InventoryReserved.class);
    String orderId = reserved.orderId();
    Connection connection = context.connection();
    String refusal = Carriers.refusal(reserved.shippingAddress()).orElse(null);
    Decision proposed = new Decision(refusal == null ? Outcome.SHIPPED : Outcome.FAILED, refusal);
    Decision decision = ShipmentStore.decide(connection, orderId, proposed, clock.millis());
    if (decision.outcome() != Outcome.SHIPPED) {
      log.info("order {} not shipped: {} ({})", orderId, decision.outcome(), decision.reason());
      context.emit(decision.announcement(orderId));
      return;
    }
    String shipmentId = UUID.randomUUID().toString();
    Carriers.Carrier carrier = Carriers.forOrder(orderId);
    Instant now = clock.instant();
    Shipment shipment =
        new Shipment(
            shipmentId,
            orderId,
            reserved.reservationId(),
            carrier.name(),
            Carriers.trackingNumber(carrier, shipmentId),
            Shipment.SHIPPED,
            now,
            now,
            reserved.items().stream()
                .map(item -> new Shipment.Item(item.productId(), item.quantity()))
                .toList());
    if (ShipmentStore.insertIfAbsent(connection, shipment)) {
      log.info("order {} shipped: shipment {}", orderId, shipmentId);
    } else {
      // Only a concurrent writer rolling back can leave none: try again later.
      shipment =
          ShipmentStore.findByOrder(connection, orderId)
              .orElseThrow(() -> new TransientFailureException("shipment of " + orderId + " gone"));
      log.info(
          "order {} already shipped as {}; announcing it again", orderId, shipment.shipmentId());
    }
    context.emit(
        new OrderShipped(
            orderId, shipment.shipmentId(), shipment.carrier(), shipment.trackingNumber()));
  }

  private void cancel(EventEnvelope event, HandlerContext context) throws SQLException {
    OrderCancelled cancellation = event.payloadAs(OrderCancelled.class);
    String orderId = cancellation.orderId();
    Connection connection = context.connection();
    Decision proposed = new Decision(Outcome.CANCELLED, cancellation.reason());
    Decision decision = ShipmentStore.decide(connection, orderId, proposed, clock.millis());
    if (decision.outcome() == Outcome.CANCELLED) {
      log.info("order {} cancelled before shipping: {}", orderId, decision.reason());
      context.emit(decision.announcement(orderId));
      return;
    }
    String refusal =
        decision.outcome() == Outcome.FAILED
            ? "shipment already failed: " + decision.reason()
            : ShipmentStore.findByOrder(connection, orderId)
                .map(
                    s ->
                        "already shipped: shipment %s with %s, tracking number %s"
                            .formatted(s.shipmentId(), s.carrier(), s.trackingNumber()))
                .orElse("already shipped");
    log.info("cancellation of order {} refused: {}", orderId, refusal);
    int max = EventLimits.MAX_REASON_CHARS;
    context.emit(
        new CancellationRefused(
            orderId, refusal.length() <= max ? refusal : refusal.substring(0, max - 3) + "..."));
  }
}
