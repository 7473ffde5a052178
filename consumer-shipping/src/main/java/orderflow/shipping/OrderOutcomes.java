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
 * Shipping's one decision per order, on a connection the caller owns (and commits). The first
 * {@link #claim} of an order wins; every later event of the order finds that outcome and answers
 * from it. The SQL runs unchanged on SQLite and PostgreSQL.
 */
final class OrderOutcomes {
  /** What shipping decided for an order. */
  enum Outcome {
    SHIPPED,
    CANCELLED,
    FAILED
  }

  /**
   * The decision recorded for an order.
   *
   * @param reason null for a shipped order
   */
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
   * Records the order's outcome unless it has one. On PostgreSQL a concurrent claim of the same
   * order waits for the other transaction, then does nothing.
   *
   * @return true if this call decided the order
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

  /**
   * The outcome of an order whose {@link #claim} failed.
   *
   * @throws TransientFailureException if it has none (deleted meanwhile): try again
   */
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
