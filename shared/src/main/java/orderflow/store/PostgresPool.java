package orderflow.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A small HikariCP pool of PostgreSQL connections, created on first use. A pooled connection keeps
 * the driver's server-side prepared statements, which a connection per transaction threw away with
 * the connection itself; broken connections (a server restart) are evicted by the pool.
 *
 * <p>This class is thread-safe.
 */
final class PostgresPool implements AutoCloseable {
  /**
   * The consumer loop, the outbox publisher, retention, and one to spare for migrations and admin
   * commands.
   */
  static final int MAX_CONNECTIONS = 5;

  /**
   * A transaction that sits between statements this long belongs to a frozen or cut-off process:
   * the server ends its session, so the stock rows it locked are free again. A batch's transaction
   * is never idle for more than a moment; the outbox publisher, which waits for confirms holding
   * its rows, raises it for its own transactions ({@link #PUBLISHER_IDLE_IN_TRANSACTION}).
   */
  static final Duration IDLE_IN_TRANSACTION = Duration.ofSeconds(10);

  /** Above the publisher's 30 s confirm wait. */
  static final Duration PUBLISHER_IDLE_IN_TRANSACTION = Duration.ofSeconds(45);

  /**
   * Longer than {@link #IDLE_IN_TRANSACTION}: a wait behind a frozen holder ends by its eviction.
   */
  static final Duration LOCK_WAIT = Duration.ofSeconds(15);

  static final Duration STATEMENT = Duration.ofSeconds(30);

  private final String jdbcUrl;
  private final long connectionTimeoutMs;
  private final String name;
  private HikariDataSource pool;
  private boolean closed;

  PostgresPool(String jdbcUrl, long connectionTimeoutMs, String name) {
    this.jdbcUrl = jdbcUrl;
    this.connectionTimeoutMs = connectionTimeoutMs;
    this.name = name;
  }

  /** A pooled connection with autocommit off; closing it rolls back what was not committed. */
  Connection borrow() throws SQLException {
    return pool().getConnection();
  }

  private synchronized HikariDataSource pool() throws SQLException {
    if (closed) {
      throw new SQLException("the database is closed");
    }
    if (pool == null) {
      // The data source directly, not DriverManager: independent of service files in a shaded jar.
      PGSimpleDataSource source = new PGSimpleDataSource();
      source.setURL(jdbcUrl);
      source.setOptions(sessionOptions(source.getOptions()));
      HikariConfig config = new HikariConfig();
      config.setDataSource(source);
      config.setPoolName(name);
      config.setAutoCommit(false);
      config.setMaximumPoolSize(MAX_CONNECTIONS);
      config.setMinimumIdle(1);
      config.setConnectionTimeout(connectionTimeoutMs);
      // Starting never fails: an unreachable server is a transient failure of the first batch.
      config.setInitializationFailTimeout(-1);
      pool = new HikariDataSource(config);
    }
    return pool;
  }

  /** Our timeouts, after any options of the URL, which the server applies last and so win. */
  static String sessionOptions(String fromUrl) {
    String ours =
        "-c idle_in_transaction_session_timeout="
            + IDLE_IN_TRANSACTION.toMillis()
            + " -c lock_timeout="
            + LOCK_WAIT.toMillis()
            + " -c statement_timeout="
            + STATEMENT.toMillis();
    return fromUrl == null || fromUrl.isBlank() ? ours : ours + " " + fromUrl;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (pool != null) {
      pool.close();
      pool = null;
    }
  }
}
