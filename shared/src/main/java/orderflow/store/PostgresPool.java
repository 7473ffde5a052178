package orderflow.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A small HikariCP pool of PostgreSQL connections, created on first use. A pooled connection keeps
 * the driver's server-side prepared statements, which a connection per transaction threw away with
 * the connection itself; broken connections (a server restart) are evicted by the pool.
 *
 * <p>This class is thread-safe.
 */
final class PostgresPool implements AutoCloseable {
  /** The consumer loop, the outbox relay, and one to spare for migrations and admin commands. */
  static final int MAX_CONNECTIONS = 4;

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

  @Override
  public synchronized void close() {
    closed = true;
    if (pool != null) {
      pool.close();
      pool = null;
    }
  }
}
