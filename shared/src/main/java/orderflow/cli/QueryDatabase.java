package orderflow.cli;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import orderflow.consume.options.DatabaseOptions;
import orderflow.store.Database;
import orderflow.store.Dialect;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The one way query commands ({@code stock}, {@code history}, {@code shipments}, {@code orders})
 * read a service's database, and their {@code --db}, {@code --json} and {@code --verbose} (a
 * picocli mixin): on a read-only connection, so they work while the service runs (never waiting for
 * its write lock) and change nothing, not even by migrating. A database that does not exist, or
 * that the service never created its tables in, is an {@link IllegalStateException} with one clear
 * line.
 */
public final class QueryDatabase {
  @Mixin private DatabaseOptions database;

  @Option(names = "--json", description = "Print one JSON value instead of a table")
  public boolean json;

  @Option(names = "--verbose", description = "Print stack traces with errors") // OneLineErrors'
  boolean verbose;

  /** As the static {@code read}, on the database {@code --db} names (default: the service's). */
  public <T> T read(String service, String table, boolean snapshot, Reading<T> reading)
      throws SQLException {
    return read(database.url(service), service, table, snapshot, reading);
  }

  /** Reading done on one read-only connection. */
  @FunctionalInterface
  public interface Reading<T> {
    T apply(Connection connection) throws SQLException;
  }

  /**
   * {@code table} is one {@code service} creates; {@code snapshot} reads in one REPEATABLE READ
   * transaction, for reports that compare two tables.
   */
  public static <T> T read(
      String jdbcUrl, String service, String table, boolean snapshot, Reading<T> reading)
      throws SQLException {
    Database.requireExisting(jdbcUrl);
    try (Database database = Database.open(jdbcUrl);
        Connection connection = database.openReadOnly()) {
      DatabaseMetaData metadata = connection.getMetaData();
      boolean found = false;
      for (String name : new String[] {table, table.toUpperCase(Locale.ROOT)}) {
        try (ResultSet tables = metadata.getTables(null, connection.getSchema(), name, null)) {
          found |= tables.next();
        }
      }
      if (!found) {
        throw new IllegalStateException(
            "database "
                + database.describe()
                + " has no "
                + table
                + " table (has the "
                + service
                + " service run on it?)");
      }
      if (!snapshot) {
        return reading.apply(connection);
      }
      if (database.dialect() == Dialect.POSTGRESQL) {
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      }
      connection.setAutoCommit(false);
      try {
        return reading.apply(connection);
      } finally {
        connection.rollback();
      }
    }
  }
}
