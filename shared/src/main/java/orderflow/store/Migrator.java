package orderflow.store;

import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.migration.JavaMigration;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a component's migrations with Flyway, recorded in its own history table {@code
 * flyway_history_<component>}, each migration in its own transaction. First it refuses a database
 * whose history the code does not match ({@link HistoryCheck}), then takes over what the old {@code
 * schema_migrations} table records ({@link LegacyHistory}), then migrates. Concurrent migrators
 * serialise on Flyway's lock (a PostgreSQL advisory lock), which re-reads the history.
 */
final class Migrator {
  static final String HISTORY_TABLE_PREFIX = "flyway_history_";
  private static final int MAX_IDENTIFIER_LENGTH = 63; // PostgreSQL's limit
  private static final Logger log = LoggerFactory.getLogger(Migrator.class);

  private final Database database;
  private final ConnectionSource connections;

  Migrator(Database database, ConnectionSource connections) {
    this.database = database;
    this.connections = connections;
  }

  void apply(String component, List<Migration> migrations) throws SQLException {
    requireDistinctVersions(component, migrations);
    String table = historyTable(component);
    try {
      Flyway flyway = configure(table, migrations).load();
      HistoryCheck.requireMatching(component, table, flyway.info().all());
      LegacyHistory.takeOver(connections, component, migrations, configure(table, migrations));
      if (migrations.isEmpty()) {
        return; // nothing to apply; Flyway would warn that it found no migrations
      }
      MigrateResult result = flyway.migrate();
      for (var applied : result.migrations) {
        log.info("applied migration {} v{}: {}", component, applied.version, applied.description);
      }
    } catch (FlywayException e) {
      throw new SQLException(
          "cannot migrate " + component + " in " + database.describe() + ": " + rootCause(e), e);
    }
  }

  /**
   * Baseline 0 on a non-empty schema: another component's tables are no reason to refuse, and every
   * real migration (version 1 and up) still runs.
   */
  private FluentConfiguration configure(String table, List<Migration> migrations) {
    return Flyway.configure(Migrator.class.getClassLoader())
        .dataSource(connections)
        .table(table)
        .locations(new String[0])
        .javaMigrations(
            migrations.stream()
                .map(migration -> new StatementMigration(migration, database))
                .toArray(JavaMigration[]::new))
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .baselineDescription("history starts here")
        .cleanDisabled(true);
  }

  /** {@code flyway_history_<component>}, the component lower-cased, other than [a-z0-9] as _. */
  static String historyTable(String component) {
    String table =
        HISTORY_TABLE_PREFIX + component.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
    if (table.length() > MAX_IDENTIFIER_LENGTH) {
      throw new IllegalArgumentException("component name too long for a table name: " + component);
    }
    return table;
  }

  private static String rootCause(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String message = cause.getMessage();
    return message == null ? cause.getClass().getSimpleName() : message.lines().findFirst().get();
  }

  private static void requireDistinctVersions(String component, List<Migration> migrations) {
    Set<Integer> seen = new HashSet<>();
    for (Migration migration : migrations) {
      if (!seen.add(migration.version())) {
        throw new IllegalArgumentException(
            "component " + component + " has two migrations with version " + migration.version());
      }
    }
  }
}
