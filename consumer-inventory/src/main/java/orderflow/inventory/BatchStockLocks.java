package orderflow.inventory;

import java.sql.Connection;
import java.sql.PreparedStatement;
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
 * Takes, at the start of a batch's transaction, the row of every product the batch's orders name,
 * in product id order, creating the products not yet known on the way. Without it each order locked
 * its products as it came, so two instances on one PostgreSQL applying batches of the same products
 * in different orders deadlocked (and inserting the same new product from both raced on the index).
 * One pass in one order: a product is created and locked before the next is touched, so no instance
 * holds a later product while waiting for an earlier one. On SQLite, which has one writer at a
 * time, it only creates the new products earlier than the orders would have.
 *
 * <p>Stateless and thread-safe.
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
        // A release puts back what the order's reservation holds.
        reservations
            .forOrder(event.payload().orderId())
            .ifPresent(held -> held.items().forEach(item -> products.add(item.productId())));
      }
    }
    StockLedger ledger = new StockLedger(connection);
    for (String productId : products) {
      // A known product costs one statement; a new one is created, then locked.
      if (!lockRow(connection, productId)) {
        ledger.ensureKnown(productId, defaultStock, now);
        lockRow(connection, productId);
      }
    }
  }

  /**
   * A write that changes nothing: it takes the row lock (PostgreSQL) until commit.
   *
   * @return false if the product has no row yet
   */
  private static boolean lockRow(Connection connection, String productId) throws SQLException {
    try (PreparedStatement lock =
        connection.prepareStatement("UPDATE stock SET version = version WHERE product_id = ?")) {
      lock.setString(1, productId);
      return lock.executeUpdate() == 1;
    }
  }
}
