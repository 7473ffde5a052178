package orderflow.shipping;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import orderflow.store.Database;

/**
 * Read-only connections for query commands ({@link Database#openReadOnly()}), usable while the
 * service runs on the same database, with clear errors when the database was never created.
 */
final class QueryDatabase {
  private QueryDatabase() {}

  /**
   * Opens the database for reading only.
   *
   * @throws IllegalStateException with a clear message if a SQLite file does not exist
   */
  static Connection openReadOnly(String jdbcUrl) throws SQLException {
    Database.requireExisting(jdbcUrl);
    try (Database database = Database.open(jdbcUrl)) {
      return database.openReadOnly();
    }
  }

  /**
   * @throws IllegalStateException if {@code table} does not exist (the service never migrated it)
   */
  static void requireTable(Connection connection, String table, String jdbcUrl)
      throws SQLException {
    DatabaseMetaData metadata = connection.getMetaData();
    String schema = connection.getSchema();
    for (String name : new String[] {table, table.toUpperCase(Locale.ROOT)}) {
      try (ResultSet tables = metadata.getTables(null, schema, name, null)) {
        if (tables.next()) {
          return;
        }
      }
    }
    throw new IllegalStateException(
        "database "
            + describe(jdbcUrl)
            + " has no "
            + table
            + " table (has the shipping service run on it?)");
  }

  private static String describe(String jdbcUrl) {
    try (Database database = Database.open(jdbcUrl)) {
      return database.describe();
    }
  }
}
