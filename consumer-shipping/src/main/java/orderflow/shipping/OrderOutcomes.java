package orderflow.shipping;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import orderflow.consume.TransientFailureException;
import orderflow.envelope.EventPayload;
import orderflow.envelope.ShipmentCancelled;
import orderflow.envelope.ShipmentFailed;

/**
 * Shipping's one decision per order, in the caller's transaction: the first {@link #claim} wins;
 * every later event of the order answers from that outcome.
 */
final class OrderOutcomes {
  enum Outcome {
    SHIPPED,
    CANCELLED,
    FAILED
  }

  /** {@code reason} is null for a shipped order. */
  record Decision(Outcome outcome, String reason) {
    /** The event that announces an unshipped outcome again, for a late or repeated event. */
    EventPayload announcement(String orderId) {
      return switch (outcome) {
        case CANCELLED -> new ShipmentCancelled(orderId, reason);
        case FAILED -> new ShipmentFailed(orderId, reason);
        case SHIPPED -> throw new IllegalStateException("a shipment announces order " + orderId);
      };
    }
  }

  private OrderOutcomes() {}

  /**
   * True if this call decided the order. On PostgreSQL a concurrent claim of the same order waits
   * for the other transaction, then does nothing.
   */
  static boolean claim(
      Connection connection, String orderId, Outcome outcome, String reason, long now)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO order_outcomes (order_id, outcome, reason, decided_at)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (order_id) DO NOTHING")) {
      insert.setString(1, orderId);
      insert.setString(2, outcome.name());
      insert.setString(3, reason);
      insert.setLong(4, now);
      return insert.executeUpdate() == 1;
    }
  }

  /** The outcome of an order whose {@link #claim} failed; transient failure if it has none. */
  static Decision earlier(Connection connection, String orderId) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT outcome, reason FROM order_outcomes WHERE order_id = ?")) {
      select.setString(1, orderId);
      try (ResultSet rows = select.executeQuery()) {
        if (!rows.next()) {
          throw new TransientFailureException("outcome of order " + orderId + " vanished");
        }
        return new Decision(Outcome.valueOf(rows.getString(1)), rows.getString(2));
      }
    }
  }
}
