package orderflow.store;

import java.sql.Connection;
import java.sql.SQLException;
import orderflow.envelope.EventEnvelope;

/** STUB. Events committed with a state change, waiting to be published. */
public final class Outbox {
  private Outbox() {}

  /** Adds {@code event} for publication to {@code exchange}, inside the caller's transaction. */
  public static void add(Connection connection, String exchange, EventEnvelope event)
      throws SQLException {
    throw new UnsupportedOperationException();
  }

  /** Events not yet marked sent. */
  public static long backlog(Connection connection) throws SQLException {
    throw new UnsupportedOperationException();
  }
}
