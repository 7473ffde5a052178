package orderflow.inventory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import orderflow.consume.EventHandler;
import orderflow.consume.HandlerContext;
import orderflow.consume.TransientFailureException;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.InventoryReleased;
import orderflow.envelope.ReservedItem;
import orderflow.envelope.ShipmentCancelled;
import orderflow.envelope.ShipmentFailed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The saga's compensation: when shipping says an order will never ship ({@code ShipmentCancelled},
 * {@code ShipmentFailed}), gives its reservation back with one {@code release} movement per product
 * and emits {@code InventoryReleased}; only shipping knows whether the order shipped. Idempotent: a
 * repeat releases nothing and announces the same release. An order not reserved yet gets a mark, so
 * its later {@code OrderCreated} reserves nothing. Stateless.
 */
public final class ReleaseReservationHandler implements EventHandler {
  private static final Logger log = LoggerFactory.getLogger(ReleaseReservationHandler.class);

  private final Clock clock;

  public ReleaseReservationHandler() {
    this(Clock.systemUTC());
  }

  ReleaseReservationHandler(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void handle(EventEnvelope event, HandlerContext context) throws SQLException {
    String orderId = event.payload().orderId();
    String reason = reasonOf(event);
    Connection connection = context.connection();
    Reservations reservations = new Reservations(connection);
    long now = clock.millis();
    if (reservations.markCancelledBeforeReserved(orderId, reason, now)) {
      log.info("order {} will never ship and holds no stock; it will not be reserved", orderId);
      return;
    }
    Reservations.Reservation reservation =
        reservations
            .forOrder(orderId)
            .orElseThrow(
                // Only a concurrent writer rolling back can cause this: try again later.
                () ->
                    new TransientFailureException("reservation of order " + orderId + " vanished"));
    if (reservation.items().isEmpty()) {
      return; // Marked before: nothing was ever held.
    }
    boolean releasing = reservations.markReleased(orderId, reason, now);
    if (releasing) {
      StockLedger ledger = new StockLedger(connection);
      for (ReservedItem item : reservation.items()) {
        ledger.release(
            item.productId(), item.quantity(), orderId, reservation.reservationId(), reason, now);
      }
      log.info(
          "order {}: reservation {} released ({})", orderId, reservation.reservationId(), reason);
    }
    context.emit(
        new InventoryReleased(
            orderId,
            reservation.reservationId(),
            reservation.items(),
            releasing ? reason : reservation.releaseReason()));
  }

  private static String reasonOf(EventEnvelope event) {
    if (event.payload() instanceof ShipmentCancelled cancelled) {
      return cancelled.reason();
    }
    if (event.payload() instanceof ShipmentFailed failed) {
      return failed.reason();
    }
    throw new IllegalArgumentException("nothing to release for " + event.eventType());
  }
}
