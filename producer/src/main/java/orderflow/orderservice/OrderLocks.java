package orderflow.orderservice;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.zip.CRC32;
import orderflow.store.Dialect;

/**
 * Serialises the folds of one order. Two transactions that each append an event of the same order
 * and fold would otherwise each miss the other's uncommitted event, and the later commit would
 * overwrite the read model with a state lacking one event. On PostgreSQL (several instances, or the
 * API beside the consumer) a transaction-scoped advisory lock per order id prevents that; on SQLite
 * every write transaction already holds the file's write lock.
 *
 * <p>Stateless and thread-safe.
 */
final class OrderLocks {
  /** Keeps the order service's advisory locks apart from any other user of the database. */
  private static final long NAMESPACE = 0x4f52_4445_5253L << 32; // "ORDERS"

  private OrderLocks() {}

  /** Holds the order's lock until the caller's transaction ends. */
  static void lock(Connection connection, Dialect dialect, String orderId) throws SQLException {
    if (dialect != Dialect.POSTGRESQL) {
      return;
    }
    try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
      lock.setLong(1, key(orderId));
      lock.execute();
    }
  }

  /** A collision only makes two orders wait for each other; it never mixes their states. */
  static long key(String orderId) {
    CRC32 crc = new CRC32();
    crc.update(orderId.getBytes(StandardCharsets.UTF_8));
    return NAMESPACE ^ crc.getValue();
  }
}
