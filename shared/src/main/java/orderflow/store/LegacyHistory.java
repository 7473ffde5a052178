package orderflow.store;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes over a database made before Flyway: the versions the old {@code schema_migrations} table
 * records for a component are written to the component's Flyway history as applied, with the code's
 * checksums, and not run again. The old table is left as it was (nothing writes it). Repeating it
 * is harmless: Flyway records only what its history lacks, under its lock.
 */
final class LegacyHistory {
  static final String TABLE = "schema_migrations";
  private static final Logger log = LoggerFactory.getLogger(LegacyHistory.class);

  private LegacyHistory() {}

  static void takeOver(
      ConnectionSource connections,
      String component,
      List<Migration> migrations,
      FluentConfiguration flyway)
      throws SQLException {
    List<Integer> recorded = recordedVersions(connections, component);
    if (recorded.isEmpty()) {
      return;
    }
    int last = recorded.get(recorded.size() - 1);
    List<Integer> expected =
        migrations.stream()
            .map(Migration::version)
            .filter(version -> version <= last)
            .sorted()
            .toList();
    if (!expected.equals(recorded)) {
      throw new IllegalStateException(
          TABLE
              + " records versions "
              + recorded
              + " of "
              + component
              + " but the code has "
              + expected
              + " up to v"
              + last
              + ": cannot take the history over");
    }
    int taken =
        flyway
            .target(Integer.toString(last))
            .skipExecutingMigrations(true)
            .load()
            .migrate()
            .migrationsExecuted;
    if (taken > 0) {
      log.info("took over {} migrations of {} from {}", taken, component, TABLE);
    }
  }

  private static List<Integer> recordedVersions(ConnectionSource connections, String component)
      throws SQLException {
    List<Integer> versions = new ArrayList<>();
    try (Connection connection = connections.getConnection()) {
      if (!tableExists(connection)) {
        return versions;
      }
      try (PreparedStatement statement =
          connection.prepareStatement(
              "SELECT version FROM " + TABLE + " WHERE component = ? ORDER BY version")) {
        statement.setString(1, component);
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            versions.add(rows.getInt(1));
          }
        }
      }
    }
    return versions;
  }

  private static boolean tableExists(Connection connection) throws SQLException {
    DatabaseMetaData metadata = connection.getMetaData();
    for (String name : new String[] {TABLE, TABLE.toUpperCase(Locale.ROOT)}) {
      try (ResultSet tables = metadata.getTables(null, connection.getSchema(), name, null)) {
        if (tables.next()) {
          return true;
        }
      }
    }
    return false;
  }
}
