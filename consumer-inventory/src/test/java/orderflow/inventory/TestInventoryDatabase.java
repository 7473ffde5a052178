package orderflow.inventory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import orderflow.store.Database;
import orderflow.store.Dialect;

/** A migrated test database, opened as the service opens it; a PostgreSQL schema is dropped. */
final class TestInventoryDatabase implements AutoCloseable {
  private final String url;
  private final Database database;

  TestInventoryDatabase(String url) throws SQLException {
    this.url = url;
    this.database = Database.open(url);
    database.migrate(InventoryService.NAME);
  }

  String url() {
    return url;
  }

  /** A new connection, autocommit off; the caller closes it. */
  Connection open() throws SQLException {
    return database.open();
  }

  @Override
  public void close() throws SQLException {
    database.close();
    if (database.dialect() == Dialect.POSTGRESQL) {
      dropSchema(url);
    }
  }

  static void dropSchema(String postgresUrl) throws SQLException {
    String schema =
        postgresUrl.substring(postgresUrl.indexOf("currentSchema=") + "currentSchema=".length());
    try (Connection connection = DriverManager.getConnection(postgresUrl);
        Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA " + schema + " CASCADE");
    }
  }
}
