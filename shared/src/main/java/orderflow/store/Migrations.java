package orderflow.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
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
 * A component's schema, with Flyway: the SQL scripts in {@code
 * db/migration/<dialect>/<component>/V<n>__<description>.sql} on the classpath, recorded in the
 * component's own history table {@code flyway_history_<component>}, each in its own transaction and
 * validated by Flyway at every start (an edited, missing or failed script stops it). The runtime's
 * tables (inbox, outbox) are the component {@value #RUNTIME}.
 *
 * <p>A history written by the previous code, whose migrations were Java ({@code JDBC}) with other
 * checksums for the same statements, is realigned once with Flyway's {@code repair}, and only when
 * each applied version has its script and none failed; otherwise validation refuses as usual.
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
              .locations("classpath:db/migration/" + dialect.migrationFolder + "/" + component)
              .baselineOnMigrate(true)
              .baselineVersion("0")
              .baselineDescription("history starts here")
              .ignoreMigrationPatterns(new String[0])
              .cleanDisabled(true)
              .load();
      if (Arrays.stream(flyway.info().applied())
          .anyMatch(m -> m.getType() == CoreMigrationType.JDBC)) {
        takeOver(source, flyway, table, component);
      }
      for (var migration : flyway.migrate().migrations) {
        log.info("applied {} v{}: {}", component, migration.version, migration.description);
      }
    } catch (FlywayException e) {
      throw new SQLException(
          "cannot migrate " + component + " in " + where + ": " + FailureLine.describe(e), e);
    }
  }

  /**
   * Flyway matches an applied migration to a script only when their types agree, so the rows are
   * first marked SQL; {@code repair} then aligns checksums and descriptions. Refused (no repair,
   * validation names the difference) when an applied version has no script or one failed.
   */
  private static void takeOver(DataSource source, Flyway flyway, String table, String component)
      throws SQLException {
    try (Connection connection = source.getConnection();
        Statement statement = connection.createStatement()) {
      statement.executeUpdate("UPDATE " + table + " SET type = 'SQL' WHERE type = 'JDBC'");
    }
    MigrationInfo[] applied = flyway.info().applied();
    if (Arrays.stream(applied).allMatch(m -> m.getType().isBaseline() || m.getState().isResolved())
        && Arrays.stream(applied).noneMatch(m -> m.getState().isFailed())) {
      flyway.repair();
      log.info("{}: took over the previous code's history (Java migrations)", component);
    }
  }
}
