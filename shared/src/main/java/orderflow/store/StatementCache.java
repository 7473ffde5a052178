package orderflow.store;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SQLite's write connection with its prepared statements kept by SQL text, so "prepare, run, close"
 * prepares each once (sqlite-jdbc keeps none). Closing a handed-out statement closes its last
 * result set (else it keeps a read snapshot) and clears its parameters; the same SQL while in use
 * gets a statement of its own. Confined to the thread that holds the connection's loan.
 */
final class StatementCache {
  static final int CAPACITY = 256;

  private final Connection connection;
  private final Map<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);

  private static final class Entry {
    final PreparedStatement statement;
    PreparedStatement handle;
    boolean inUse;
    ResultSet lastResult;

    Entry(PreparedStatement statement) {
      this.statement = statement;
    }
  }

  private StatementCache(Connection connection) {
    this.connection = connection;
  }

  /** {@code physical} with its statements cached; closing it closes them all. */
  static Connection wrap(Connection physical) {
    StatementCache cache = new StatementCache(physical);
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              int arity = args == null ? 0 : args.length;
              if (method.getName().equals("prepareStatement") && arity == 1) {
                return cache.prepare((String) args[0]);
              }
              if (method.getName().equals("close")) {
                cache.entries.clear(); // the driver closes their statements
              }
              return invoke(physical, method, args);
            });
  }

  private PreparedStatement prepare(String sql) throws SQLException {
    Entry entry = entries.get(sql);
    if (entry != null && entry.inUse) {
      return connection.prepareStatement(sql);
    }
    if (entry == null) {
      entry = new Entry(connection.prepareStatement(sql));
      entry.handle = handle(entry);
      entries.put(sql, entry);
      evictBeyondCapacity();
    }
    entry.inUse = true;
    return entry.handle;
  }

  private void evictBeyondCapacity() throws SQLException {
    var eldest = entries.values().iterator();
    while (entries.size() > CAPACITY && eldest.hasNext()) {
      Entry entry = eldest.next();
      if (!entry.inUse) {
        eldest.remove();
        entry.statement.close();
      }
    }
  }

  private PreparedStatement handle(Entry entry) {
    return (PreparedStatement)
        Proxy.newProxyInstance(
            PreparedStatement.class.getClassLoader(),
            new Class<?>[] {PreparedStatement.class},
            (proxy, method, args) -> {
              if (method.getName().equals("close")) {
                release(entry);
                return null;
              }
              Object result = invoke(entry.statement, method, args);
              if (result instanceof ResultSet rows) {
                entry.lastResult = rows;
              } else if (Boolean.TRUE.equals(result) && method.getName().equals("execute")) {
                entry.lastResult = entry.statement.getResultSet();
              }
              return result;
            });
  }

  private static void release(Entry entry) throws SQLException {
    if (entry.inUse) {
      entry.inUse = false;
      if (entry.lastResult != null) {
        entry.lastResult.close();
        entry.lastResult = null;
      }
      entry.statement.clearParameters();
    }
  }

  private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args)
      throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
