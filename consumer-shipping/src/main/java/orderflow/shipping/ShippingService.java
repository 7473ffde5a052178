package orderflow.shipping;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import orderflow.envelope.ShipmentCancelled;
import orderflow.envelope.ShipmentFailed;
import orderflow.topology.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shipping service: each order's outcome is claimed first ({@link OrderOutcomes}) and an order
 * already decided has its outcome announced again. A reservation ships ({@code OrderShipped}) or,
 * when no carrier serves its country, fails ({@code ShipmentFailed}). Shipping cannot be undone, so
 * the race between a cancellation and a shipment ends here: an order not shipped is cancelled
 * ({@code ShipmentCancelled}), a shipped or failed one refuses ({@code CancellationRefused}).
 * Stateless.
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
    Optional<String> refusal = Carriers.refusal(reserved.shippingAddress());
    OrderOutcomes.Outcome proposed =
        refusal.isPresent() ? OrderOutcomes.Outcome.FAILED : OrderOutcomes.Outcome.SHIPPED;
    if (!OrderOutcomes.claim(connection, orderId, proposed, refusal.orElse(null), clock.millis())) {
      OrderOutcomes.Decision earlier = OrderOutcomes.earlier(connection, orderId);
      if (earlier.outcome() != OrderOutcomes.Outcome.SHIPPED) {
        log.info(
            "order {} was {} before its reservation; not shipping", orderId, earlier.outcome());
        context.emit(earlier.announcement(orderId));
        return;
      }
    } else if (refusal.isPresent()) {
      log.info("order {} refused: {}", orderId, refusal.get());
      context.emit(new ShipmentFailed(orderId, refusal.get()));
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
      log.info("order {} shipped: shipment {}", orderId, shipment.shipmentId());
    } else {
      // Only a concurrent writer rolling back can leave none: try again later.
      shipment =
          ShipmentStore.findByOrder(connection, orderId)
              .orElseThrow(() -> new TransientFailureException("shipment of " + orderId + " gone"));
      log.info(
          "order {} already has shipment {}; announcing it again", orderId, shipment.shipmentId());
    }
    context.emit(
        new OrderShipped(
            orderId, shipment.shipmentId(), shipment.carrier(), shipment.trackingNumber()));
  }

  private void cancel(EventEnvelope event, HandlerContext context) throws SQLException {
    OrderCancelled cancellation = event.payloadAs(OrderCancelled.class);
    String orderId = cancellation.orderId();
    String reason = cancellation.reason();
    if (OrderOutcomes.claim(
        context.connection(), orderId, OrderOutcomes.Outcome.CANCELLED, reason, clock.millis())) {
      log.info("order {} cancelled before shipping: {}", orderId, reason);
      context.emit(new ShipmentCancelled(orderId, reason));
      return;
    }
    OrderOutcomes.Decision decision = OrderOutcomes.earlier(context.connection(), orderId);
    String refusal =
        switch (decision.outcome()) {
          case CANCELLED -> null;
          case FAILED -> "shipment already failed: " + decision.reason();
          case SHIPPED ->
              ShipmentStore.findByOrder(context.connection(), orderId)
                  .map(
                      s ->
                          "already shipped: shipment %s with %s, tracking number %s"
                              .formatted(s.shipmentId(), s.carrier(), s.trackingNumber()))
                  .orElse("already shipped");
        };
    if (refusal == null) {
      context.emit(decision.announcement(orderId));
      return;
    }
    log.info("cancellation of order {} refused: {}", orderId, refusal);
    int max = EventLimits.MAX_REASON_CHARS;
    context.emit(
        new CancellationRefused(
            orderId, refusal.length() <= max ? refusal : refusal.substring(0, max - 3) + "..."));
  }
}
