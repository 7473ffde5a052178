package orderflow.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Deletes what the guarantees no longer need, a batch per call so no delete holds locks for long.
 * Stateless and thread-safe.
 */
public final class Retention {
  private Retention() {}

  /** Deletes up to {@code limit} inbox entries received before {@code cutoff} (epoch millis). */
  public static int pruneInbox(Connection connection, Database database, long cutoff, int limit)
      throws SQLException {
    return delete(connection, database.dialect().pruneInboxSql, cutoff, limit);
  }

  /** Deletes up to {@code limit} outbox rows marked sent before {@code cutoff} (epoch millis). */
  public static int pruneSentOutbox(Connection connection, long cutoff, int limit)
      throws SQLException {
    return delete(
        connection,
        "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE sent_at < ? LIMIT ?)",
        cutoff,
        limit);
  }

  private static int delete(Connection connection, String sql, long cutoff, int limit)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setLong(1, cutoff);
      statement.setInt(2, limit);
      return statement.executeUpdate();
    }
  }
}
