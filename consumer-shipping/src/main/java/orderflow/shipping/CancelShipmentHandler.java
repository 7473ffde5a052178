package orderflow.shipping;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Objects;
import orderflow.consume.EventHandler;
import orderflow.consume.HandlerContext;
import orderflow.envelope.CancellationRefused;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventLimits;
import orderflow.envelope.OrderCancelled;
import orderflow.envelope.ShipmentCancelled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides a cancellation (docs/architecture.md section 2): shipping is the step that cannot be
 * undone, so it is where the race between a cancellation and a shipment ends. An order not shipped
 * yet, even one whose reservation has not arrived, is cancelled ({@code ShipmentCancelled}: it will
 * never ship, and inventory releases its stock); a shipped order stays shipped and the cancellation
 * is refused with the reason ({@code CancellationRefused}), as is one whose shipment already
 * failed. A repeated cancellation gets the same answer.
 *
 * <p>Runs inside the runtime's transaction. Thread-safe: it keeps no state of its own.
 */
public final class CancelShipmentHandler implements EventHandler {
  private static final Logger log = LoggerFactory.getLogger(CancelShipmentHandler.class);

  private final Clock clock;

  public CancelShipmentHandler(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void handle(EventEnvelope event, HandlerContext context) throws SQLException {
    OrderCancelled cancellation = event.payloadAs(OrderCancelled.class);
    String orderId = cancellation.orderId();
    Connection connection = context.connection();
    if (OrderOutcomes.claim(
        connection,
        orderId,
        OrderOutcomes.Outcome.CANCELLED,
        cancellation.reason(),
        clock.millis())) {
      log.info("order {} cancelled before shipping: {}", orderId, cancellation.reason());
      context.emit(new ShipmentCancelled(orderId, cancellation.reason()));
      return;
    }
    OrderOutcomes.Decision decision = OrderOutcomes.earlier(connection, orderId);
    switch (decision.outcome()) {
      case CANCELLED -> context.emit(OutcomeEvents.of(orderId, decision));
      case SHIPPED -> {
        String shipped =
            ShipmentStore.findByOrder(connection, orderId)
                .map(
                    s ->
                        "already shipped: shipment "
                            + s.shipmentId()
                            + " with "
                            + s.carrier()
                            + ", tracking number "
                            + s.trackingNumber())
                .orElse("already shipped");
        log.info("cancellation of order {} refused: {}", orderId, shipped);
        context.emit(new CancellationRefused(orderId, shortened(shipped)));
      }
      case FAILED ->
          context.emit(
              new CancellationRefused(
                  orderId, shortened("shipment already failed: " + decision.reason())));
    }
  }

  private static String shortened(String reason) {
    return reason.length() <= EventLimits.MAX_REASON_CHARS
        ? reason
        : reason.substring(0, EventLimits.MAX_REASON_CHARS - 3) + "...";
  }
}
