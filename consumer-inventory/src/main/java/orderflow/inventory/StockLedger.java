package orderflow.inventory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import orderflow.envelope.ReservedItem;
import orderflow.store.Sql;

/**
 * The stock's ledger (append-only movements) and read model, in the caller's transaction: each
 * decided change appends a movement and updates the read model. One instance per connection.
 */
record StockLedger(Connection connection) {
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

  private static final String LEVELS = "SELECT product_id, available, reserved FROM stock";
  private static final Sql.Row<StockLevel> LEVEL =
      row -> new StockLevel(row.getString(1), row.getInt(2), row.getInt(3));

  record StockLevel(String productId, int available, int reserved) {}

  record Movement(
      long id,
      String kind,
      int delta,
      String orderId,
      String reservationId,
      String reason,
      String createdAt) {}

  /** Gives a product never seen its initial stock; of two concurrent callers, one inserts. */
  void ensureKnown(String productId, int initialStock, long now) throws SQLException {
    if (Sql.update(connection, CREATE, productId, initialStock, 1) == 1) {
      appendMovement(productId, initialStock, INITIAL, null, null, "default stock", now);
    }
  }

  /** Moves {@code quantity} to reserved if available: a conditional UPDATE cannot oversell. */
  boolean tryReserve(String productId, int quantity) throws SQLException {
    String sql = MOVE + " AND available >= ?";
    return Sql.update(connection, sql, -quantity, -quantity, productId, quantity) == 1;
  }

  /** A write that changes nothing: it holds the row lock until commit. False if no row yet. */
  boolean lock(String productId) throws SQLException {
    String sql = "UPDATE stock SET version = version WHERE product_id = ?";
    return Sql.update(connection, sql, productId) == 1;
  }

  /** Undoes a {@link #tryReserve} that no decision followed; it appended no movement. */
  void undoReserve(String productId, int quantity) throws SQLException {
    Sql.update(connection, MOVE, quantity, quantity, productId);
  }

  /** The {@code reservation} movement of what {@link #tryReserve} took for a claimed order. */
  void recordReservation(ReservedItem item, String orderId, String reservationId, long now)
      throws SQLException {
    appendMovement(
        item.productId(), -item.quantity(), RESERVATION, orderId, reservationId, null, now);
  }

  /** Gives back what a reservation held, with a {@code release} movement; once per reservation. */
  void release(ReservedItem item, String orderId, String reservationId, String reason, long now)
      throws SQLException {
    String sql = MOVE + " AND reserved >= ?";
    int quantity = item.quantity();
    if (Sql.update(connection, sql, quantity, quantity, item.productId(), quantity) != 1) {
      throw new IllegalStateException(
          "cannot release %s for order %s: fewer are reserved".formatted(item, orderId));
    }
    appendMovement(item.productId(), quantity, RELEASE, orderId, reservationId, reason, now);
  }

  Optional<StockLevel> level(String productId) throws SQLException {
    return Sql.first(connection, LEVELS + " WHERE product_id = ?", LEVEL, productId);
  }

  List<StockLevel> levels() throws SQLException {
    return Sql.query(connection, LEVELS + " ORDER BY product_id", LEVEL);
  }

  List<Movement> movements(String productId) throws SQLException {
    return Sql.query(
        connection,
        "SELECT id, kind, delta, order_id, reservation_id, reason, created_at"
            + " FROM stock_movements WHERE product_id = ? ORDER BY id",
        row ->
            new Movement(
                row.getLong(1),
                row.getString(2),
                row.getInt(3),
                row.getString(4),
                row.getString(5),
                row.getString(6),
                Instant.ofEpochMilli(row.getLong(7)).toString()),
        productId);
  }

  /** The stock rebuilt from the ledger alone: reservations and releases move it to reserved. */
  static StockLevel replay(String productId, List<Movement> movements) {
    int available = 0;
    int reserved = 0;
    for (Movement movement : movements) {
      available += movement.delta();
      if (RESERVATION.equals(movement.kind()) || RELEASE.equals(movement.kind())) {
        reserved -= movement.delta();
      }
    }
    return new StockLevel(productId, available, reserved);
  }

  /** Sets a product's available quantity by an adjustment movement of the difference. */
  Adjustment adjust(String productId, int newAvailable, String reason, long now)
      throws SQLException {
    Sql.update(connection, CREATE, productId, 0, 0);
    lock(productId); // so the quantity read next cannot change before the new one is set
    StockLevel before = level(productId).orElseThrow();
    int delta = newAvailable - before.available();
    Sql.update(connection, MOVE, delta, 0, productId);
    appendMovement(productId, delta, ADJUSTMENT, null, null, reason, now);
    return new Adjustment(
        productId, before.available(), newAvailable, before.reserved(), delta, reason);
  }

  record Adjustment(
      String productId, int previous, int available, int reserved, int delta, String reason) {}

  private void appendMovement(
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
