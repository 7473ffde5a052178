package orderflow.inventory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import orderflow.store.Dialect;
import orderflow.store.Migration;
import org.sqlite.SQLiteConfig;

/** The inventory schema on a test database, and connections to it as the service opens them. */
final class TestInventoryDatabase implements AutoCloseable {
  private final String url;
  private final Dialect dialect;

  TestInventoryDatabase(String url) throws SQLException {
    this.url = url;
    this.dialect = Dialect.of(url);
    try (Connection connection = open();
        Statement statement = connection.createStatement()) {
      for (Migration migration : InventorySchema.migrations()) {
        for (String sql : migration.statements()) {
          statement.execute(
              sql.replace(
                  "${AUTO_ID}",
                  dialect == Dialect.SQLITE
                      ? "INTEGER PRIMARY KEY AUTOINCREMENT"
                      : "BIGSERIAL PRIMARY KEY"));
        }
      }
      connection.commit();
    }
  }

  String url() {
    return url;
  }

  /** A new connection, autocommit off; the caller closes it. */
  Connection open() throws SQLException {
    Connection connection;
    if (dialect == Dialect.SQLITE) {
      SQLiteConfig config = new SQLiteConfig();
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      config.setBusyTimeout(10_000);
      config.enforceForeignKeys(true);
      config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
      connection = config.createConnection(url);
    } else {
      connection = DriverManager.getConnection(url);
    }
    connection.setAutoCommit(false);
    return connection;
  }

  /** Drops a PostgreSQL test schema; a SQLite file goes with its temporary directory. */
  @Override
  public void close() throws SQLException {
    if (dialect != Dialect.POSTGRESQL) {
      return;
    }
    String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA " + schema + " CASCADE");
    }
  }
}
