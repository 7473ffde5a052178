package orderflow.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Objects;
import java.util.UUID;

/**
 * The ids of the events each consumer has applied: the idempotency record of at-least-once
 * delivery. Recording happens in the same transaction as the event's effect, so the effect and the
 * record commit or roll back together.
 *
 * <p>This class is stateless and thread-safe; each call uses only the caller's connection.
 */
public final class Inbox {
  private Inbox() {}

  /**
   * Records {@code eventId} for {@code consumer} inside the caller's transaction. On PostgreSQL a
   * concurrent transaction recording the same id waits for this one to end, then gets false if this
   * one committed.
   *
   * @return true if it was new; false if it was already there (a duplicate: do not apply again)
   */
  public static boolean record(Connection connection, String consumer, UUID eventId)
      throws SQLException {
    Objects.requireNonNull(consumer, "consumer");
    Objects.requireNonNull(eventId, "eventId");
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT INTO inbox (consumer, event_id, received_at) VALUES (?, ?, ?)"
                + " ON CONFLICT DO NOTHING")) {
      statement.setString(1, consumer);
      statement.setString(2, eventId.toString());
      statement.setLong(3, System.currentTimeMillis());
      return statement.executeUpdate() == 1;
    }
  }
}
