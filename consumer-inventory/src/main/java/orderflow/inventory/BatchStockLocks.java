package orderflow.inventory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.OrderItem;
import orderflow.envelope.ShipmentCancelled;
import orderflow.envelope.ShipmentFailed;

/**
 * Locks, at the start of a batch's transaction, the row of every product the batch touches, in
 * product id order, creating unknown products on the way: two instances on one PostgreSQL never
 * hold a later product while waiting for an earlier one, so they cannot deadlock. Stateless.
 */
final class BatchStockLocks {
  private final int defaultStock;

  BatchStockLocks(int defaultStock) {
    this.defaultStock = defaultStock;
  }

  void lock(List<EventEnvelope> events, Connection connection, long now) throws SQLException {
    SortedSet<String> products = new TreeSet<>();
    Reservations reservations = new Reservations(connection);
    for (EventEnvelope event : events) {
      if (event.payload() instanceof OrderCreated order) {
        for (OrderItem item : order.items()) {
          products.add(item.productId());
        }
      } else if (event.payload() instanceof ShipmentCancelled
          || event.payload() instanceof ShipmentFailed) {
        reservations
            .forOrder(event.payload().orderId())
            .ifPresent(held -> held.items().forEach(item -> products.add(item.productId())));
      }
    }
    for (String productId : products) {
      if (!lockRow(connection, productId)) {
        new StockLedger(connection).ensureKnown(productId, defaultStock, now);
        lockRow(connection, productId);
      }
    }
  }

  /** A write that changes nothing: it holds the row lock until commit. False if no row yet. */
  private static boolean lockRow(Connection connection, String productId) throws SQLException {
    return Sql.update(
            connection, "UPDATE stock SET version = version WHERE product_id = ?", productId)
        == 1;
  }
}
