package orderflow.store;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one long-lived write connection of a SQLite file in this process, lent for one transaction at
 * a time. Threads of one process (consumer loop, outbox publisher, retention) take turns in line
 * here instead of through SQLite's busy handler, which sleeps in growing steps and turns a few
 * milliseconds of contention into hundreds; other processes still meet the busy timeout.
 *
 * <p>Keeping the connection keeps its prepared statements ({@link StatementCache}): preparing every
 * statement again for every event cost more than running it. Between loans the connection is in
 * autocommit mode and holds no lock: the driver begins a transaction eagerly (at {@code
 * setAutoCommit(false)} and again right after each commit), and with {@code BEGIN IMMEDIATE} that
 * transaction takes the write lock, so a lent connection must not be kept idle.
 *
 * <p>This class is thread-safe.
 */
final class SqliteWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SqliteWriter.class);

  // A semaphore, not a lock: a loan may be returned by another thread than the one that took it.
  private final Semaphore turn = new Semaphore(1, true);
  private final long turnTimeoutMs;
  private final ConnectionOpener opener;
  private Connection connection;
  private StatementCache statements;
  private boolean closed;

  SqliteWriter(long turnTimeoutMs, ConnectionOpener opener) {
    this.turnTimeoutMs = turnTimeoutMs;
    this.opener = opener;
  }

  /**
   * Waits for this process's turn and lends the connection in a new transaction ({@code BEGIN
   * IMMEDIATE}, autocommit off). Closing the loan rolls back whatever was not committed and gives
   * the turn back.
   */
  Connection lend() throws SQLException {
    return lend(true);
  }

  /**
   * As {@link #lend()}; with {@code synced} false the loan's commit does not wait for the disk
   * ({@code synchronous=NORMAL}): a power loss may undo it, never corrupt the file, and the next
   * synced commit makes it durable with everything before it. For writes that are redone when lost.
   */
  Connection lend(boolean synced) throws SQLException {
    try {
      if (!turn.tryAcquire(turnTimeoutMs, TimeUnit.MILLISECONDS)) {
        throw new SQLException(
            "waited " + turnTimeoutMs + " ms for the database write turn", "55P03");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted waiting for the database write turn", e);
    }
    try {
      Connection lent = connection();
      if (!synced) {
        synchronous(lent, "NORMAL");
      }
      lent.setAutoCommit(false);
      return loan(lent, synced);
    } catch (SQLException | RuntimeException e) {
      discard();
      turn.release();
      throw e;
    }
  }

  private synchronized Connection connection() throws SQLException {
    if (closed) {
      throw new SQLException("the database is closed");
    }
    if (connection == null || connection.isClosed()) {
      connection = opener.open();
      connection.setAutoCommit(true);
      statements = new StatementCache(connection);
    }
    return connection;
  }

  private Connection loan(Connection lent, boolean synced) {
    StatementCache cache = statements;
    CachedSavepoints savepoints = new CachedSavepoints(cache);
    boolean[] dirty = {false};
    boolean[] returned = {false};
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              String name = method.getName();
              if (name.equals("close")) {
                if (!returned[0]) {
                  returned[0] = true;
                  giveBack(lent, dirty[0], synced);
                }
                return null;
              }
              if (returned[0] && !name.equals("isClosed")) {
                throw new SQLException("this connection was returned; open another");
              }
              if (name.equals("isClosed")) {
                return returned[0] || lent.isClosed();
              }
              dirty[0] = !name.equals("commit");
              int arity = args == null ? 0 : args.length;
              switch (name) {
                case "prepareStatement" -> {
                  if (arity == 1) {
                    return cache.prepare((String) args[0]);
                  }
                }
                case "setSavepoint" -> {
                  if (arity == 0) {
                    return savepoints.set();
                  }
                }
                case "releaseSavepoint" -> {
                  savepoints.release((Savepoint) args[0]);
                  return null;
                }
                case "rollback" -> {
                  if (arity == 1) {
                    savepoints.rollbackTo((Savepoint) args[0]);
                    return null;
                  }
                  savepoints.reset();
                }
                case "commit" -> savepoints.reset();
                default -> {}
              }
              try {
                return method.invoke(lent, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  private void giveBack(Connection lent, boolean dirty, boolean synced) {
    try {
      if (dirty) {
        lent.rollback();
      }
      // Ends the transaction the driver began eagerly, so no write lock is held between loans.
      lent.setAutoCommit(true);
      if (!synced) {
        // Outside a transaction, where SQLite allows it; failing, the connection is discarded.
        synchronous(lent, "FULL");
      }
    } catch (SQLException | RuntimeException e) {
      log.debug("discarding the SQLite write connection: {}", e.toString());
      discard();
    } finally {
      turn.release();
    }
  }

  private static void synchronous(Connection connection, String level) throws SQLException {
    try (java.sql.Statement pragma = connection.createStatement()) {
      pragma.execute("PRAGMA synchronous = " + level);
    }
  }

  private synchronized void discard() {
    if (statements != null) {
      statements.close();
      statements = null;
    }
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        log.debug("closing the SQLite write connection: {}", e.toString());
      }
      connection = null;
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    discard();
  }

  /** Opens a connection. */
  @FunctionalInterface
  interface ConnectionOpener {
    Connection open() throws SQLException;
  }
}
