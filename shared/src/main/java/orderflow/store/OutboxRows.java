package orderflow.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import orderflow.publish.EventMessages;
import orderflow.publish.OutgoingMessage;
import orderflow.trace.TraceParent;

/**
 * The outbox publisher's queries on the outbox table. With {@code lock} (PostgreSQL) the rows read
 * stay locked until the caller's transaction ends and rows another instance holds are skipped: that
 * lock, not any timing, keeps two instances from publishing one row at once.
 *
 * <p>This class is stateless and thread-safe; each call uses only the caller's connection.
 */
public final class OutboxRows {
  private OutboxRows() {}

  /** Up to {@code limit} unsent rows in id order, each as the message to publish. */
  public static List<OutboxEntry> unsent(Connection connection, int limit, boolean lock)
      throws SQLException {
    String sql =
        "SELECT id, event_id, event_type, exchange, routing_key, body, correlation_id, source,"
            + " event_version, occurred_at, traceparent, tracestate FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT ?"
            + (lock ? " FOR UPDATE SKIP LOCKED" : "");
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setInt(1, limit);
      try (ResultSet result = statement.executeQuery()) {
        List<OutboxEntry> rows = new ArrayList<>();
        while (result.next()) {
          long occurredAt = result.getLong(10);
          Long timestamp = result.wasNull() ? null : occurredAt;
          rows.add(
              new OutboxEntry(
                  result.getLong(1),
                  new OutgoingMessage(
                      result.getString(4),
                      result.getString(5),
                      EventMessages.properties(
                          result.getString(2),
                          result.getString(3),
                          timestamp,
                          result.getString(7),
                          result.getString(8),
                          result.getString(9),
                          new TraceParent(result.getString(11), result.getString(12))),
                      result.getBytes(6))));
        }
        return rows;
      }
    }
  }

  /**
   * Which of {@code ids} are still unsent; with {@code lock}, those rows stay locked by the
   * caller's transaction (rows another instance holds are left out, as if sent).
   */
  public static Set<Long> stillUnsent(Connection connection, Collection<Long> ids, boolean lock)
      throws SQLException {
    Set<Long> unsent = new HashSet<>();
    if (ids.isEmpty()) {
      return unsent;
    }
    String sql =
        "SELECT id FROM outbox WHERE sent_at IS NULL AND id IN ("
            + idList(ids)
            + ")"
            + (lock ? " FOR UPDATE SKIP LOCKED" : "");
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      while (result.next()) {
        unsent.add(result.getLong(1));
      }
    }
    return unsent;
  }

  /**
   * Lets the caller's PostgreSQL transaction sit idle between statements for {@link
   * Database.PUBLISHER_IDLE_IN_TRANSACTION}: it holds its rows while waiting for confirms.
   */
  public static void allowPublisherIdle(Connection transaction) throws SQLException {
    try (Statement set = transaction.createStatement()) {
      set.execute(
          "SET LOCAL idle_in_transaction_session_timeout = "
              + Database.PUBLISHER_IDLE_IN_TRANSACTION.toMillis());
    }
  }

  public static void markSent(Connection connection, Collection<Long> ids, long sentAt)
      throws SQLException {
    if (ids.isEmpty()) {
      return;
    }
    try (PreparedStatement statement =
        connection.prepareStatement(
            "UPDATE outbox SET sent_at = ? WHERE sent_at IS NULL AND id IN ("
                + idList(ids)
                + ")")) {
      statement.setLong(1, sentAt);
      statement.executeUpdate();
    }
  }

  /** Ids are longs read from the table: inlining them is safe and keeps one statement a batch. */
  private static String idList(Collection<Long> ids) {
    return ids.stream().map(String::valueOf).collect(Collectors.joining(","));
  }
}
