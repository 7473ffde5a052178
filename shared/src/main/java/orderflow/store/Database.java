package orderflow.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * STUB: to be implemented. A JDBC database (SQLite file or PostgreSQL) with durable settings.
 *
 * <p>This class is thread-safe; each {@link #open()} returns a new connection owned by the caller.
 */
public final class Database implements AutoCloseable {
  /**
   * @param jdbcUrl {@code jdbc:sqlite:data/inventory.db} or {@code jdbc:postgresql://...}
   */
  public static Database open(String jdbcUrl) {
    throw new UnsupportedOperationException();
  }

  public Dialect dialect() {
    throw new UnsupportedOperationException();
  }

  /** The URL with any password removed, for logs. */
  public String describe() {
    throw new UnsupportedOperationException();
  }

  /** A new connection, autocommit off, durable settings applied. The caller closes it. */
  public Connection open() throws SQLException {
    throw new UnsupportedOperationException();
  }

  /**
   * Applies the runtime's own tables (inbox, outbox) and then {@code migrations} of {@code
   * component}.
   */
  public void migrate(String component, List<Migration> migrations) throws SQLException {
    throw new UnsupportedOperationException();
  }

  /** True when a trivial query answers within a second (used by health checks). */
  public boolean ping() {
    throw new UnsupportedOperationException();
  }

  /**
   * True when {@code e} means "busy, try again" (SQLite BUSY/LOCKED, PostgreSQL serialization or
   * deadlock).
   */
  public boolean isTransient(SQLException e) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void close() {}
}
