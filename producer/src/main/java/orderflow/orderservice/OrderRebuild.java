package orderflow.orderservice;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import orderflow.store.Database;

/**
 * Rebuilds the read model from the event store: folds each order's events again, compares with the
 * row the read model holds, and writes the rebuilt state where it differs. Each order is rebuilt in
 * its own short transaction under the order's lock, so it can run while the service does.
 *
 * <p>Thread-safe: holds only the database.
 */
public final class OrderRebuild {
  private final OrderEventStore store = new OrderEventStore();
  private final OrderReadModel readModel = new OrderReadModel();
  private final Database database;

  public OrderRebuild(Database database) {
    this.database = database;
  }

  /**
   * One order whose read-model row did not match its events.
   *
   * @param fields the differing fields; {@code [missing]} when the read model had no row
   * @param before the read model's status, null when it had no row
   */
  public record Difference(String orderId, List<String> fields, String before, String after) {}

  /** What a rebuild did. */
  public record Report(int rebuilt, List<Difference> differences) {}

  /**
   * @param orderId one order, or null for every order in the event store
   * @throws IllegalStateException when {@code orderId} has no event
   */
  public Report rebuild(String orderId) throws SQLException {
    List<String> orderIds;
    if (orderId != null) {
      orderIds = List.of(orderId);
    } else {
      try (Connection connection = database.openReadOnly()) {
        orderIds = store.orderIds(connection);
      }
    }
    List<Difference> differences = new ArrayList<>();
    for (String id : orderIds) {
      rebuildOne(id).ifPresent(differences::add);
    }
    return new Report(orderIds.size(), differences);
  }

  private Optional<Difference> rebuildOne(String orderId) throws SQLException {
    try (Connection connection = database.open()) {
      try {
        OrderLocks.lock(connection, database.dialect(), orderId);
        List<StoredEvent> history = store.history(connection, orderId);
        if (history.isEmpty()) {
          throw new IllegalStateException("no events for order '" + orderId + "'");
        }
        OrderState rebuilt = OrderFold.fold(orderId, OrderEventStore.events(history));
        Optional<OrderState> held = readModel.find(connection, orderId);
        Optional<Difference> difference =
            held.isEmpty()
                ? Optional.of(
                    new Difference(orderId, List.of("[missing]"), null, rebuilt.status().name()))
                : differs(held.get(), rebuilt);
        if (difference.isPresent()) {
          readModel.save(connection, rebuilt);
        }
        connection.commit();
        return difference;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
  }

  private static Optional<Difference> differs(OrderState held, OrderState rebuilt) {
    List<String> fields = held.differences(rebuilt);
    return fields.isEmpty()
        ? Optional.empty()
        : Optional.of(
            new Difference(held.orderId(), fields, held.status().name(), rebuilt.status().name()));
  }
}
