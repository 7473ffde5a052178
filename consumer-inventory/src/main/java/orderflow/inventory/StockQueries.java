package orderflow.inventory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the inventory: the read model for current stock, the ledger for history and for the figure
 * rebuilt from it (event sourcing).
 *
 * <p>Not thread-safe: one instance per connection.
 */
final class StockQueries {
  private final Connection connection;

  StockQueries(Connection connection) {
    this.connection = connection;
  }

  /** A product's stock: available to reserve, and held by reservations. */
  record StockLevel(String productId, int available, int reserved) {}

  /** One ledger row. */
  record Movement(
      long id,
      String kind,
      int delta,
      String orderId,
      String reservationId,
      String reason,
      String createdAt) {}

  List<StockLevel> all() throws SQLException {
    List<StockLevel> levels = new ArrayList<>();
    try (PreparedStatement select =
            connection.prepareStatement(
                "SELECT product_id, available, reserved FROM stock ORDER BY product_id");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        levels.add(new StockLevel(rows.getString(1), rows.getInt(2), rows.getInt(3)));
      }
    }
    return levels;
  }

  /** The read model's figure for one product, or empty if it was never seen. */
  Optional<StockLevel> of(String productId) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT product_id, available, reserved FROM stock WHERE product_id = ?")) {
      select.setString(1, productId);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next()
            ? Optional.of(new StockLevel(rows.getString(1), rows.getInt(2), rows.getInt(3)))
            : Optional.empty();
      }
    }
  }

  List<Movement> movements(String productId) throws SQLException {
    List<Movement> movements = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT id, kind, delta, order_id, reservation_id, reason, created_at"
                + " FROM stock_movements WHERE product_id = ? ORDER BY id")) {
      select.setString(1, productId);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          movements.add(
              new Movement(
                  rows.getLong(1),
                  rows.getString(2),
                  rows.getInt(3),
                  rows.getString(4),
                  rows.getString(5),
                  rows.getString(6),
                  Instant.ofEpochMilli(rows.getLong(7)).toString()));
        }
      }
    }
    return movements;
  }

  /**
   * The stock rebuilt from the ledger alone: available is the sum of every delta, reserved the sum
   * of what reservations took less what releases gave back.
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
}
