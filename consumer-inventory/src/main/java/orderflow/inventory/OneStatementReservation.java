package orderflow.inventory;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * On PostgreSQL, the whole decision for an order of one product in one round trip: the undecided
 * check, the conditional decrement, the claim, the item and the movement as data-modifying CTEs,
 * each with its own guard. What it could not settle it reports, and {@link ReserveInventoryHandler}
 * takes the general path (the only one on SQLite).
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
   * {@code available} is the quantity before the statement (one snapshot), null for a new product.
   */
  record Result(boolean taken, boolean claimed, boolean decidedBefore, Integer available) {
    boolean reserved() {
      return taken && claimed;
    }
  }

  private OneStatementReservation() {}

  /** Whether the connection is PostgreSQL's (the statement uses data-modifying CTEs). */
  static boolean supports(Connection connection) throws SQLException {
    return connection.isWrapperFor(org.postgresql.PGConnection.class);
  }

  static Result reserve(
      Connection connection,
      String orderId,
      String reservationId,
      String productId,
      int quantity,
      long now)
      throws SQLException {
    return Sql.first(
            connection,
            SQL,
            row ->
                new Result(
                    row.getLong(1) == 1,
                    row.getLong(2) == 1,
                    row.getBoolean(3),
                    row.getObject(4) == null ? null : row.getInt(4)),
            orderId,
            orderId,
            quantity,
            quantity,
            productId,
            quantity,
            reservationId,
            orderId,
            now,
            productId,
            quantity,
            productId,
            -quantity,
            orderId,
            now,
            productId)
        .orElseThrow();
  }
}
