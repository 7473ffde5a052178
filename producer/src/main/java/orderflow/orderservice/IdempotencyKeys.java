package orderflow.orderservice;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * Which order each {@code Idempotency-Key} of the order API created, with a fingerprint of the
 * request, in the same transaction as the order. Keys are kept for good: a retry may come late.
 *
 * <p>Stateless and thread-safe; each call uses only the caller's connection.
 */
final class IdempotencyKeys {
  /** The order a key created and the fingerprint of the request that created it. */
  record Use(String orderId, String fingerprint) {}

  Optional<Use> find(Connection connection, String key) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT order_id, request_sha256 FROM idempotency_keys WHERE idempotency_key = ?")) {
      select.setString(1, key);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next()
            ? Optional.of(new Use(rows.getString(1), rows.getString(2)))
            : Optional.empty();
      }
    }
  }

  /**
   * @return false when another transaction recorded the key first (PostgreSQL waits for it to
   *     commit, then does nothing)
   */
  boolean record(Connection connection, String key, Use use, Instant at) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO idempotency_keys (idempotency_key, request_sha256, order_id, created_at)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING")) {
      insert.setString(1, key);
      insert.setString(2, use.fingerprint());
      insert.setString(3, use.orderId());
      insert.setLong(4, at.toEpochMilli());
      return insert.executeUpdate() == 1;
    }
  }
}
