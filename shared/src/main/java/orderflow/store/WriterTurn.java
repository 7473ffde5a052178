package orderflow.store;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Queues one process's SQLite writers in line. A SQLite transaction connection holds the file's
 * write lock from open to close; without this, threads of one process (consumer, outbox relay)
 * would wait for each other through SQLite's busy handler, which sleeps in growing steps and turns
 * a few milliseconds of contention into hundreds. Other processes still meet the busy timeout.
 */
final class WriterTurn {
  // A semaphore, not a lock: a connection may be closed by another thread than the one that opened
  // it.
  private final Semaphore turn = new Semaphore(1, true);
  private final long timeoutMs;

  WriterTurn(long timeoutMs) {
    this.timeoutMs = timeoutMs;
  }

  /** Waits for this process's turn, opens the connection, and gives the turn back on close. */
  Connection open(ConnectionOpener opener) throws SQLException {
    try {
      if (!turn.tryAcquire(timeoutMs, TimeUnit.MILLISECONDS)) {
        throw new SQLException("waited " + timeoutMs + " ms for the database write turn", "55P03");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted waiting for the database write turn", e);
    }
    try {
      return releasingOnClose(opener.open());
    } catch (SQLException | RuntimeException e) {
      turn.release();
      throw e;
    }
  }

  private Connection releasingOnClose(Connection connection) {
    AtomicBoolean released = new AtomicBoolean();
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              try {
                return method.invoke(connection, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              } finally {
                if (method.getName().equals("close") && released.compareAndSet(false, true)) {
                  turn.release();
                }
              }
            });
  }

  /** Opens a connection. */
  @FunctionalInterface
  interface ConnectionOpener {
    Connection open() throws SQLException;
  }
}
