package orderflow.orderservice;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Objects;
import orderflow.consume.EventHandler;
import orderflow.consume.HandlerContext;
import orderflow.envelope.EventEnvelope;
import orderflow.store.Dialect;

/**
 * The order service's handler for every order event: appends the event to the order event store
 * and, when it was new, folds all of the order's events into its read-model row, in the runtime's
 * transaction. A repeat (another eventId is the inbox's job; the same eventId written earlier by
 * the order API) changes nothing. It emits no events.
 *
 * <p>Stateless apart from its collaborators, and thread-safe.
 */
public final class OrderProjector implements EventHandler {
  private final OrderEventStore store = new OrderEventStore();
  private final OrderReadModel readModel = new OrderReadModel();
  private final Dialect dialect;
  private final Clock clock;

  public OrderProjector(Dialect dialect, Clock clock) {
    this.dialect = Objects.requireNonNull(dialect, "dialect");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void handle(EventEnvelope event, HandlerContext context) throws Exception {
    record(context.connection(), event);
  }

  /**
   * Appends and folds inside the caller's transaction.
   *
   * @return true when the event was new, false when the store already held it
   */
  boolean record(Connection connection, EventEnvelope event) throws SQLException {
    String orderId = event.payload().orderId();
    OrderLocks.lock(connection, dialect, orderId);
    if (!store.append(connection, event, clock.instant())) {
      return false;
    }
    readModel.save(
        connection,
        OrderFold.fold(orderId, OrderEventStore.events(store.history(connection, orderId))));
    return true;
  }
}
