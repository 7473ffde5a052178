package orderflow.orders;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.OrderCancelled;
import orderflow.store.Database;
import orderflow.store.Outbox;
import orderflow.store.OutboxEntry;

/**
 * Asks for an order's cancellation (the write side of {@code POST /orders/{id}/cancel}): in one
 * transaction, checks that the order exists and has not ended, appends its {@code OrderCancelled}
 * to the event store and folds it, and adds the event to the outbox (the outbox publisher publishes
 * it after commit). Shipping then decides (docs/architecture.md section 2): the read model shows
 * {@code CANCELLED}, or the refusal if the order shipped meanwhile.
 *
 * <p>Thread-safe: each call uses its own connection.
 */
final class OrderCancellation {
  private final Database database;
  private final String exchange;
  private final OrderProjector projector;
  private final Consumer<List<OutboxEntry>> committed;
  private final OrderReadModel readModel = new OrderReadModel();

  OrderCancellation(
      Database database,
      String exchange,
      OrderProjector projector,
      Consumer<List<OutboxEntry>> committed) {
    this.database = Objects.requireNonNull(database, "database");
    this.exchange = Objects.requireNonNull(exchange, "exchange");
    this.projector = Objects.requireNonNull(projector, "projector");
    this.committed = Objects.requireNonNull(committed, "committed");
  }

  /** What a request found. */
  enum Answer {
    REQUESTED,
    UNKNOWN_ORDER,
    ALREADY_ENDED
  }

  /**
   * @param ended the order's status when it had already ended, else empty
   */
  record Result(Answer answer, Optional<OrderStatus> ended) {}

  Result cancel(String orderId, String reason) throws SQLException {
    OrderCancelled cancellation = new OrderCancelled(orderId, reason);
    try (Connection connection = database.open()) {
      try {
        Optional<OrderState> order = readModel.find(connection, orderId);
        if (order.isEmpty()) {
          connection.rollback();
          return new Result(Answer.UNKNOWN_ORDER, Optional.empty());
        }
        if (order.get().status().terminal()) {
          connection.rollback();
          return new Result(Answer.ALREADY_ENDED, Optional.of(order.get().status()));
        }
        EventEnvelope event = EventEnvelope.first(cancellation, OrderPlacement.SOURCE);
        projector.record(connection, event);
        OutboxEntry entry = Outbox.add(connection, exchange, event);
        connection.commit();
        committed.accept(List.of(entry));
        return new Result(Answer.REQUESTED, Optional.empty());
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
  }
}
