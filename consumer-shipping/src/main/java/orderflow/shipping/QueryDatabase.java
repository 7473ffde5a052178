package orderflow.shipping;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import orderflow.config.Redaction;
import orderflow.store.Database;
import orderflow.store.Dialect;
import org.sqlite.SQLiteConfig;

/**
 * Read-only connections for query commands, usable while the service runs on the same database.
 * {@link Database#open()} begins SQLite transactions eagerly with the write lock, which a running
 * service may hold; a read-only autocommit connection never asks for it (WAL lets readers in).
 */
final class QueryDatabase {
  private QueryDatabase() {}

  /**
   * Opens the database for reading only.
   *
   * @throws IllegalStateException with a clear message if a SQLite file does not exist
   */
  static Connection openReadOnly(String jdbcUrl) throws SQLException {
    if (Dialect.of(jdbcUrl) == Dialect.SQLITE) {
      Path file = sqliteFile(jdbcUrl);
      if (!Files.isRegularFile(file)) {
        throw new IllegalStateException(
            "no database at " + file + " (has the service run? pass --db to choose another)");
      }
      SQLiteConfig config = new SQLiteConfig();
      config.setReadOnly(true);
      config.setBusyTimeout(Database.SQLITE_BUSY_TIMEOUT_MS);
      return config.createConnection(jdbcUrl);
    }
    Connection connection = Database.open(jdbcUrl).open();
    connection.setReadOnly(true);
    return connection;
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
            + Redaction.redactText(jdbcUrl).replaceAll("(?i)(password=)[^&;]*", "$1****")
            + " has no "
            + table
            + " table (has the shipping service run on it?)");
  }

  private static Path sqliteFile(String jdbcUrl) {
    String file = jdbcUrl.substring("jdbc:sqlite:".length());
    int query = file.indexOf('?');
    if (query >= 0) {
      file = file.substring(0, query);
    }
    if (file.startsWith("file:")) {
      file = file.substring("file:".length());
    }
    return Path.of(file);
  }
}
