package orderflow.store;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepared statements of SQLite's long-lived write connection, kept by SQL text, so that code
 * written as "prepare, run, close" prepares each statement once per connection (sqlite-jdbc keeps
 * none; preparing costs more than running most of ours). {@link #wrap} gives the connection that
 * HikariCP pools: its {@code prepareStatement(sql)} and savepoints ({@link CachedSavepoints}) come
 * from here. Closing a statement handed out only resets it (its last result set closed, parameters
 * cleared). A statement still in use when the same SQL is prepared again (nested use) is not
 * shared: the second caller gets one of its own, closed for real. The least recently used statement
 * is closed beyond {@value #CAPACITY}.
 *
 * <p>Confined to the thread that holds the connection's loan.
 */
final class StatementCache {
  static final int CAPACITY = 256;
  private static final Logger log = LoggerFactory.getLogger(StatementCache.class);

  private final Connection connection;
  private final Map<String, Entry> entries =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
          boolean evict = size() > CAPACITY && !eldest.getValue().inUse;
          if (evict) {
            eldest.getValue().evicted = true;
            closeQuietly(eldest.getValue().statement);
          }
          return evict;
        }
      };

  private static final class Entry {
    final PreparedStatement statement;
    PreparedStatement handle;
    boolean inUse;
    boolean evicted;
    ResultSet lastResult;

    Entry(PreparedStatement statement) {
      this.statement = statement;
    }
  }

  private StatementCache(Connection connection) {
    this.connection = connection;
  }

  /** {@code physical} with its statements and savepoints cached; closing it closes them all. */
  static Connection wrap(Connection physical) {
    StatementCache cache = new StatementCache(physical);
    CachedSavepoints savepoints = new CachedSavepoints(cache);
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              int arity = args == null ? 0 : args.length;
              switch (method.getName()) {
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
                case "commit", "setAutoCommit" -> savepoints.reset();
                case "close" -> cache.close();
                default -> {}
              }
              try {
                return method.invoke(physical, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  PreparedStatement prepare(String sql) throws SQLException {
    Entry entry = entries.get(sql);
    if (entry == null) {
      entry = new Entry(connection.prepareStatement(sql));
      entry.handle = handle(entry);
      entries.put(sql, entry);
    } else if (entry.inUse) {
      return connection.prepareStatement(sql);
    }
    entry.inUse = true;
    return entry.handle;
  }

  private PreparedStatement handle(Entry entry) {
    return (PreparedStatement)
        Proxy.newProxyInstance(
            PreparedStatement.class.getClassLoader(),
            new Class<?>[] {PreparedStatement.class},
            (proxy, method, args) -> {
              if (method.getName().equals("close")) {
                if (entry.evicted) {
                  entry.statement.close();
                } else {
                  release(entry);
                }
                return null;
              }
              try {
                Object result = method.invoke(entry.statement, args);
                if (result instanceof ResultSet rows) {
                  entry.lastResult = rows;
                } else if (Boolean.TRUE.equals(result) && method.getName().equals("execute")) {
                  entry.lastResult = entry.statement.getResultSet();
                }
                return result;
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  /** Resets the statement for the next caller: an unfinished query would keep a read snapshot. */
  private void release(Entry entry) throws SQLException {
    if (!entry.inUse) {
      return;
    }
    entry.inUse = false;
    if (entry.lastResult != null) {
      entry.lastResult.close();
      entry.lastResult = null;
    }
    entry.statement.clearParameters();
  }

  private void close() {
    for (Entry entry : entries.values()) {
      closeQuietly(entry.statement);
    }
    entries.clear();
  }

  private static void closeQuietly(PreparedStatement statement) {
    try {
      statement.close();
    } catch (SQLException e) {
      log.debug("closing a cached statement: {}", e.toString());
    }
  }
}
