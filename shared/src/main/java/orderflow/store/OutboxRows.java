package orderflow.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The outbox relay's and dispatcher's queries on the outbox table (see {@link
 * orderflow.outbox.OutboxRelay}).
 *
 * <p>This class is stateless and thread-safe; each call uses only the caller's connection.
 */
public final class OutboxRows {
  private OutboxRows() {}

  /** Up to {@code limit} unsent rows, whatever their age, in id order (see the other overload). */
  public static List<OutboxRow> unsent(Connection connection, int limit, boolean lock)
      throws SQLException {
    return unsent(connection, limit, Long.MAX_VALUE, lock);
  }

  /**
   * Up to {@code limit} unsent rows created before {@code createdBefore} (epoch millis), in id
   * order. With {@code lock} (PostgreSQL) the rows stay locked until the transaction ends and rows
   * locked by another relay are skipped, so two relays do not publish the same rows.
   */
  public static List<OutboxRow> unsent(
      Connection connection, int limit, long createdBefore, boolean lock) throws SQLException {
    String sql =
        "SELECT id, event_id, exchange, routing_key, body FROM outbox"
            + " WHERE sent_at IS NULL AND created_at < ? ORDER BY id LIMIT ?"
            + (lock ? " FOR UPDATE SKIP LOCKED" : "");
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setLong(1, createdBefore);
      statement.setInt(2, limit);
      try (ResultSet result = statement.executeQuery()) {
        List<OutboxRow> rows = new ArrayList<>();
        while (result.next()) {
          rows.add(
              new OutboxRow(
                  result.getLong(1),
                  result.getString(2),
                  result.getString(3),
                  result.getString(4),
                  result.getBytes(5)));
        }
        return rows;
      }
    }
  }

  /**
   * Lets the caller's PostgreSQL transaction sit idle between statements for {@link
   * PostgresPool#RELAY_IDLE_IN_TRANSACTION} instead of the session's limit.
   */
  public static void allowRelayIdle(Connection transaction) throws SQLException {
    try (Statement set = transaction.createStatement()) {
      set.execute(
          "SET LOCAL idle_in_transaction_session_timeout = "
              + PostgresPool.RELAY_IDLE_IN_TRANSACTION.toMillis());
    }
  }

  public static void markSent(Connection connection, Collection<Long> ids, long sentAt)
      throws SQLException {
    if (ids.isEmpty()) {
      return;
    }
    // Ids are longs read from the table: inlining them is safe and keeps one statement per batch.
    String list = ids.stream().map(String::valueOf).collect(Collectors.joining(","));
    try (PreparedStatement statement =
        connection.prepareStatement(
            "UPDATE outbox SET sent_at = ? WHERE sent_at IS NULL AND id IN (" + list + ")")) {
      statement.setLong(1, sentAt);
      statement.executeUpdate();
    }
  }

  public static int deleteSentBefore(Connection connection, long cutoff) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("DELETE FROM outbox WHERE sent_at < ?")) {
      statement.setLong(1, cutoff);
      return statement.executeUpdate();
    }
  }
}
