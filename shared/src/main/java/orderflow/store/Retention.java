package orderflow.store;

import java.sql.Connection;
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
    return Sql.update(connection, database.dialect().pruneInboxSql, cutoff, limit);
  }

  /** Deletes up to {@code limit} outbox rows marked sent before {@code cutoff} (epoch millis). */
  public static int pruneSentOutbox(Connection connection, long cutoff, int limit)
      throws SQLException {
    return Sql.update(
        connection,
        "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE sent_at < ? LIMIT ?)",
        cutoff,
        limit);
  }
}
