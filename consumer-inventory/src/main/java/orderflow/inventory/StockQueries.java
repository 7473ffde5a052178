package orderflow.inventory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Reads the inventory: the read model for current stock, the ledger for history and for the stock
 * rebuilt from it. Not thread-safe: one instance per connection.
 */
final class StockQueries {
  private static final String LEVELS = "SELECT product_id, available, reserved FROM stock";

  private final Connection connection;

  StockQueries(Connection connection) {
    this.connection = connection;
  }

  record StockLevel(String productId, int available, int reserved) {}

  record Movement(
      long id,
      String kind,
      int delta,
      String orderId,
      String reservationId,
      String reason,
      String createdAt) {}

  List<StockLevel> all() throws SQLException {
    return Sql.query(connection, LEVELS + " ORDER BY product_id", StockQueries::level);
  }

  /** The read model's figure for one product, or empty if it was never seen. */
  Optional<StockLevel> of(String productId) throws SQLException {
    return Sql.first(connection, LEVELS + " WHERE product_id = ?", StockQueries::level, productId);
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

  /**
   * The stock rebuilt from the ledger alone: available is the sum of every delta, reserved what
   * reservations took less what releases gave back.
   */
  static StockLevel replay(String productId, List<Movement> movements) {
    int available = 0;
    int reserved = 0;
    for (Movement movement : movements) {
      available += movement.delta();
      if (StockLedger.RESERVATION.equals(movement.kind())
          || StockLedger.RELEASE.equals(movement.kind())) {
        reserved -= movement.delta();
      }
    }
    return new StockLevel(productId, available, reserved);
  }

  private static StockLevel level(ResultSet row) throws SQLException {
    return new StockLevel(row.getString(1), row.getInt(2), row.getInt(3));
  }
}
