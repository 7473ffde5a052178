package orderflow.store;

import java.sql.Statement;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * A {@link Migration} as Flyway runs it: its statements, placeholders expanded, in one transaction.
 */
final class StatementMigration implements JavaMigration {
  private final Migration migration;
  private final Database database;

  StatementMigration(Migration migration, Database database) {
    this.migration = migration;
    this.database = database;
  }

  @Override
  public MigrationVersion getVersion() {
    return MigrationVersion.fromVersion(Integer.toString(migration.version()));
  }

  @Override
  public String getDescription() {
    return migration.description();
  }

  @Override
  public Integer getChecksum() {
    return migration.checksum();
  }

  @Override
  public boolean canExecuteInTransaction() {
    return true;
  }

  @Override
  public void migrate(Context context) throws Exception {
    try (Statement statement = context.getConnection().createStatement()) {
      for (String sql : migration.statements()) {
        statement.execute(database.expand(sql));
      }
    }
  }
}
