package orderflow.inventory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * On PostgreSQL, the whole decision for an order of one product in one round trip instead of six
 * (docs/architecture.md, section 8): the check that the order was never decided, the conditional
 * decrement, the claim, the reservation item and the ledger movement, as data-modifying CTEs of one
 * statement. Each part keeps its own guard: the decrement only where enough is available and the
 * order is undecided, the claim on the order's unique key, the item and movement only for a claim
 * made. What the statement could not settle it reports, and {@link ReserveInventoryHandler} takes
 * the general path for it, which is also the only path on SQLite.
 *
 * <p>Not thread-safe: one instance per connection.
 */
final class OneStatementReservation {
  private static final String SQL =
      "WITH decided AS ("
          + " SELECT EXISTS (SELECT 1 FROM reservations WHERE order_id = ?)"
          + " OR EXISTS (SELECT 1 FROM rejected_orders WHERE order_id = ?) AS yes),"
          + " taken AS ("
          + " UPDATE stock SET available = available - ?, reserved = reserved + ?,"
          + " version = version + 1"
          + " WHERE product_id = ? AND available >= ? AND NOT (SELECT yes FROM decided)"
          + " RETURNING product_id),"
          + " claimed AS ("
          + " INSERT INTO reservations (reservation_id, order_id, created_at)"
          + " SELECT ?, ?, ? FROM taken ON CONFLICT (order_id) DO NOTHING"
          + " RETURNING reservation_id),"
          + " item AS ("
          + " INSERT INTO reservation_items (reservation_id, product_id, quantity)"
          + " SELECT reservation_id, ?, ? FROM claimed),"
          + " movement AS ("
          + " INSERT INTO stock_movements"
          + " (product_id, delta, kind, order_id, reservation_id, reason, created_at)"
          + " SELECT ?, ?, '"
          + StockLedger.RESERVATION
          + "', ?, reservation_id, NULL, ? FROM claimed)"
          + " SELECT (SELECT COUNT(*) FROM taken), (SELECT COUNT(*) FROM claimed),"
          + " (SELECT yes FROM decided), (SELECT available FROM stock WHERE product_id = ?)";

  /**
   * What the statement did. {@code available} is the quantity before it (all sub-statements see one
   * snapshot), or null for a product never seen.
   */
  record Result(boolean taken, boolean claimed, boolean decidedBefore, Integer available) {
    /** Reserved, with its item and movement: nothing is left to do. */
    boolean reserved() {
      return taken && claimed;
    }
  }

  private final Connection connection;

  OneStatementReservation(Connection connection) {
    this.connection = connection;
  }

  /** Whether the connection is PostgreSQL's (the statement uses data-modifying CTEs). */
  static boolean supports(Connection connection) throws SQLException {
    return connection.isWrapperFor(org.postgresql.PGConnection.class);
  }

  Result reserve(String orderId, String reservationId, String productId, int quantity, long now)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(SQL)) {
      int at = 1;
      statement.setString(at++, orderId);
      statement.setString(at++, orderId);
      statement.setInt(at++, quantity);
      statement.setInt(at++, quantity);
      statement.setString(at++, productId);
      statement.setInt(at++, quantity);
      statement.setString(at++, reservationId);
      statement.setString(at++, orderId);
      statement.setLong(at++, now);
      statement.setString(at++, productId);
      statement.setInt(at++, quantity);
      statement.setString(at++, productId);
      statement.setInt(at++, -quantity);
      statement.setString(at++, orderId);
      statement.setLong(at++, now);
      statement.setString(at, productId);
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        Object available = row.getObject(4);
        return new Result(
            row.getLong(1) == 1,
            row.getLong(2) == 1,
            row.getBoolean(3),
            available == null ? null : ((Number) available).intValue());
      }
    }
  }
}
