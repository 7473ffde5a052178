package orderflow.inventory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Writes stock changes: each appends a ledger movement and updates the read model in the caller's
 * transaction, so the two never disagree. Not thread-safe: one instance per connection.
 */
final class StockLedger {
  static final String INITIAL = "initial";
  static final String RESERVATION = "reservation";
  static final String ADJUSTMENT = "adjustment";
  static final String RELEASE = "release";

  private static final String CREATE =
      "INSERT INTO stock (product_id, available, reserved, version) VALUES (?, ?, 0, ?)"
          + " ON CONFLICT (product_id) DO NOTHING";
  private static final String MOVE =
      "UPDATE stock SET available = available + ?, reserved = reserved - ?,"
          + " version = version + 1 WHERE product_id = ?";
  private static final String APPEND =
      "INSERT INTO stock_movements"
          + " (product_id, delta, kind, order_id, reservation_id, reason, created_at)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?)";

  private final Connection connection;

  StockLedger(Connection connection) {
    this.connection = connection;
  }

  /**
   * Gives a product never seen its initial stock. Of two transactions meeting the same new product,
   * the unique key lets one insert (the other waits, then does nothing); only it writes a movement.
   */
  void ensureKnown(String productId, int initialStock, long now) throws SQLException {
    if (Sql.update(connection, CREATE, productId, initialStock, 1) == 1) {
      appendMovement(productId, initialStock, INITIAL, null, null, "default stock", now);
    }
  }

  /**
   * Moves {@code quantity} from available to reserved only if that much is available. The condition
   * is part of the UPDATE, so concurrent writers cannot oversell (PostgreSQL re-checks it against
   * the latest committed row; SQLite has one writer).
   */
  boolean tryReserve(String productId, int quantity) throws SQLException {
    String sql = MOVE + " AND available >= ?";
    return Sql.update(connection, sql, -quantity, -quantity, productId, quantity) == 1;
  }

  /** Undoes a {@link #tryReserve} that no decision followed; it appended no movement. */
  void undoReserve(String productId, int quantity) throws SQLException {
    Sql.update(connection, MOVE, quantity, quantity, productId);
  }

  /**
   * Gives back {@code quantity} held by a reservation, with a {@code release} movement. The caller
   * releases each reservation once ({@link Reservations#markReleased}).
   */
  void release(
      String productId, int quantity, String orderId, String reservationId, String reason, long now)
      throws SQLException {
    String sql = MOVE + " AND reserved >= ?";
    if (Sql.update(connection, sql, quantity, quantity, productId, quantity) != 1) {
      throw new IllegalStateException(
          "cannot release %d of %s for order %s: fewer are reserved"
              .formatted(quantity, productId, orderId));
    }
    appendMovement(productId, quantity, RELEASE, orderId, reservationId, reason, now);
  }

  /** Available quantity in the read model, or empty for a product never seen. */
  Optional<Integer> available(String productId) throws SQLException {
    String sql = "SELECT available FROM stock WHERE product_id = ?";
    return Sql.first(connection, sql, row -> row.getInt(1), productId);
  }

  /**
   * Sets a product's available quantity through an {@code adjustment} movement of the difference (a
   * product never seen starts from zero). Reservations held are untouched.
   */
  Adjustment adjust(String productId, int newAvailable, String reason, long now)
      throws SQLException {
    if (newAvailable < 0) {
      throw new IllegalArgumentException("quantity must not be negative, was " + newAvailable);
    }
    Sql.update(connection, CREATE, productId, 0, 0);
    // Lock the row (a write) so the quantity read next cannot change before the new one is set.
    Sql.update(
        connection, "UPDATE stock SET version = version + 1 WHERE product_id = ?", productId);
    int previous = available(productId).orElseThrow();
    Sql.update(
        connection, "UPDATE stock SET available = ? WHERE product_id = ?", newAvailable, productId);
    int delta = newAvailable - previous;
    appendMovement(productId, delta, ADJUSTMENT, null, null, reason, now);
    return new Adjustment(productId, previous, newAvailable, delta);
  }

  record Adjustment(String productId, int previous, int available, int delta) {}

  void appendMovement(
      String productId,
      int delta,
      String kind,
      String orderId,
      String reservationId,
      String reason,
      long now)
      throws SQLException {
    Sql.update(connection, APPEND, productId, delta, kind, orderId, reservationId, reason, now);
  }
}
