package orderflow.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

/** STUB. The ids of the events a consumer has applied. */
public final class Inbox {
  private Inbox() {}

  /**
   * Records {@code eventId} for {@code consumer} inside the caller's transaction.
   *
   * @return true if it was new; false if it was already there (a duplicate: do not apply again)
   */
  public static boolean record(Connection connection, String consumer, UUID eventId)
      throws SQLException {
    throw new UnsupportedOperationException();
  }
}
