package orderflow.orderservice;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The query side: answers from the read model, with the event store for an order's history. Works
 * on whatever connection it is given (read-only ones included).
 *
 * <p>Stateless and thread-safe.
 */
public final class OrderQueries {
  private final OrderEventStore store = new OrderEventStore();
  private final OrderReadModel readModel = new OrderReadModel();

  /** The order's state and events, or empty when the read model does not know it. */
  public Optional<OrderDetails> details(Connection connection, String orderId) throws SQLException {
    Optional<OrderState> state = readModel.find(connection, orderId);
    if (state.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(OrderDetails.of(state.get(), store.history(connection, orderId)));
  }

  public List<OrderState> list(Connection connection, OrderFilter filter) throws SQLException {
    return readModel.list(connection, filter);
  }
}
