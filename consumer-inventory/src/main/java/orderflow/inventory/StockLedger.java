package orderflow.inventory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.OptionalInt;

/**
 * Writes stock changes: every change appends a movement to the ledger and updates the read model in
 * the caller's transaction, so the two never disagree. The SQL runs unchanged on SQLite and
 * PostgreSQL.
 *
 * <p>Not thread-safe: use one instance per connection, or create one per call (it is cheap).
 */
final class StockLedger {
  static final String INITIAL = "initial";
  static final String RESERVATION = "reservation";
  static final String ADJUSTMENT = "adjustment";
  static final String RELEASE = "release";

  private final Connection connection;

  StockLedger(Connection connection) {
    this.connection = connection;
  }

  /**
   * Gives a product never seen its initial stock. Race-safe: when two transactions meet the same
   * new product, the unique key makes exactly one of them insert (the other waits for it, then does
   * nothing), and only that one writes the {@code initial} movement.
   *
   * @return true if the product was new
   */
  boolean ensureKnown(String productId, int initialStock, long now) throws SQLException {
    int inserted;
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO stock (product_id, available, reserved, version) VALUES (?, ?, 0, 1)"
                + " ON CONFLICT (product_id) DO NOTHING")) {
      insert.setString(1, productId);
      insert.setInt(2, initialStock);
      inserted = insert.executeUpdate();
    }
    if (inserted == 1) {
      appendMovement(productId, initialStock, INITIAL, null, null, "default stock", now);
    }
    return inserted == 1;
  }

  /**
   * Moves {@code quantity} from available to reserved if, and only if, that much is available. The
   * condition is part of the UPDATE, so concurrent writers cannot oversell: PostgreSQL re-checks it
   * against the latest committed row under READ COMMITTED, SQLite runs one writer at a time.
   *
   * @return true if taken; false (nothing changed) if not enough was available
   */
  boolean tryReserve(String productId, int quantity) throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE stock SET available = available - ?, reserved = reserved + ?,"
                + " version = version + 1 WHERE product_id = ? AND available >= ?")) {
      update.setInt(1, quantity);
      update.setInt(2, quantity);
      update.setString(3, productId);
      update.setInt(4, quantity);
      return update.executeUpdate() == 1;
    }
  }

  /**
   * Undoes a {@link #tryReserve} of this transaction that no decision followed (the order turned
   * out to be decided elsewhere): no movement, since none was appended for it.
   */
  void undoReserve(String productId, int quantity) throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE stock SET available = available + ?, reserved = reserved - ?,"
                + " version = version + 1 WHERE product_id = ?")) {
      update.setInt(1, quantity);
      update.setInt(2, quantity);
      update.setString(3, productId);
      update.executeUpdate();
    }
  }

  /**
   * Gives {@code quantity} held by a reservation back: from reserved to available, with a {@code
   * release} movement. The caller releases each reservation once ({@link Reservations#markReleased}
   * decides that in the same transaction).
   *
   * @throws IllegalStateException if the read model holds less than that (it and the ledger
   *     disagree: never released twice, never released what was not reserved)
   */
  void release(
      String productId, int quantity, String orderId, String reservationId, String reason, long now)
      throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE stock SET available = available + ?, reserved = reserved - ?,"
                + " version = version + 1 WHERE product_id = ? AND reserved >= ?")) {
      update.setInt(1, quantity);
      update.setInt(2, quantity);
      update.setString(3, productId);
      update.setInt(4, quantity);
      if (update.executeUpdate() != 1) {
        throw new IllegalStateException(
            "cannot release "
                + quantity
                + " of "
                + productId
                + " for order "
                + orderId
                + ": fewer are reserved");
      }
    }
    appendMovement(productId, quantity, RELEASE, orderId, reservationId, reason, now);
  }

  /** Available quantity in the read model, or empty for a product never seen. */
  OptionalInt available(String productId) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT available FROM stock WHERE product_id = ?")) {
      select.setString(1, productId);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? OptionalInt.of(rows.getInt(1)) : OptionalInt.empty();
      }
    }
  }

  /**
   * Sets a product's available quantity through an {@code adjustment} movement of the difference (a
   * product never seen starts from zero). Reservations already held are untouched.
   *
   * @return the movement's delta, which may be zero
   */
  Adjustment adjust(String productId, int newAvailable, String reason, long now)
      throws SQLException {
    if (newAvailable < 0) {
      throw new IllegalArgumentException("quantity must not be negative, was " + newAvailable);
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO stock (product_id, available, reserved, version) VALUES (?, 0, 0, 0)"
                + " ON CONFLICT (product_id) DO NOTHING")) {
      insert.setString(1, productId);
      insert.executeUpdate();
    }
    // Lock the row first (a no-op write), so the quantity read next cannot change under us
    // before the new one is written: PostgreSQL holds the row lock, SQLite the write lock.
    try (PreparedStatement lock =
        connection.prepareStatement(
            "UPDATE stock SET version = version + 1 WHERE product_id = ?")) {
      lock.setString(1, productId);
      lock.executeUpdate();
    }
    int previous = available(productId).orElseThrow();
    int delta = newAvailable - previous;
    try (PreparedStatement update =
        connection.prepareStatement("UPDATE stock SET available = ? WHERE product_id = ?")) {
      update.setInt(1, newAvailable);
      update.setString(2, productId);
      update.executeUpdate();
    }
    appendMovement(productId, delta, ADJUSTMENT, null, null, reason, now);
    return new Adjustment(productId, previous, newAvailable, delta);
  }

  /** The result of {@link #adjust}. */
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
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO stock_movements"
                + " (product_id, delta, kind, order_id, reservation_id, reason, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, productId);
      insert.setInt(2, delta);
      insert.setString(3, kind);
      insert.setString(4, orderId);
      insert.setString(5, reservationId);
      insert.setString(6, reason);
      insert.setLong(7, now);
      insert.executeUpdate();
    }
  }
}
