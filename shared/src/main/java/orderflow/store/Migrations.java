package orderflow.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Locale;
import javax.sql.DataSource;
import orderflow.broker.FailureLine;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.CoreMigrationType;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A component's schema with Flyway: scripts in {@code db/migration/<dialect>/<component>}, history
 * in {@code flyway_history_<component>}, validated at every start. A history of Java ({@code JDBC})
 * migrations is taken over once, when each applied version has its script and none failed.
 */
final class Migrations {
  static final String RUNTIME = "runtime";
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  static void apply(DataSource source, Dialect dialect, String component, String where)
      throws SQLException {
    try {
      String table =
          "flyway_history_" + component.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
      // Baseline 0 on a non-empty schema: another component's tables are no reason to refuse.
      // No ignored states: a history with versions newer than the scripts is refused too.
      Flyway flyway =
          Flyway.configure(Migrations.class.getClassLoader())
              .dataSource(source)
              .table(table)
              .locations("classpath:db/migration/" + dialect.id + "/" + component)
              .baselineOnMigrate(true)
              .baselineVersion("0")
              .baselineDescription("history starts here")
              .ignoreMigrationPatterns(new String[0])
              .cleanDisabled(true)
              .load();
      if (Arrays.stream(flyway.info().applied())
          .anyMatch(m -> m.getType() == CoreMigrationType.JDBC)) {
        // Flyway matches a script only to an applied migration of its type, so rows are marked
        // SQL first; repair then aligns checksums. Otherwise validation names the difference.
        try (Connection connection = source.getConnection()) {
          Sql.update(connection, "UPDATE " + table + " SET type = 'SQL' WHERE type = 'JDBC'");
        }
        MigrationInfo[] applied = flyway.info().applied();
        if (Arrays.stream(applied)
                .allMatch(m -> m.getType().isBaseline() || m.getState().isResolved())
            && Arrays.stream(applied).noneMatch(m -> m.getState().isFailed())) {
          flyway.repair();
          log.info("{}: took over the previous code's history (Java migrations)", component);
        }
      }
      for (var migration : flyway.migrate().migrations) {
        log.info("applied {} v{}: {}", component, migration.version, migration.description);
      }
    } catch (FlywayException e) {
      throw new SQLException(
          "cannot migrate " + component + " in " + where + ": " + FailureLine.describe(e), e);
    }
  }
}
