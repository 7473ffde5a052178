package orderflow.store;

import static orderflow.store.StoreFixtures.strings;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Reads the Flyway histories and writes databases as the migrator before Flyway left them. */
final class MigrationHistories {
  private MigrationHistories() {}

  /** {@code component:version} of each applied migration of the components, in that order. */
  static List<String> applied(Database database, String... components) throws SQLException {
    List<String> applied = new ArrayList<>();
    try (Connection connection = database.open()) {
      for (String component : components) {
        applied.addAll(
            strings(
                connection,
                "SELECT '"
                    + component
                    + ":' || version FROM "
                    + Migrator.historyTable(component)
                    + " WHERE type <> 'BASELINE' AND success ORDER BY installed_rank"));
      }
    }
    return applied;
  }

  /** What {@link #applied} reads after this code migrated {@code component}: runtime first. */
  static List<String> migratedByThisCode(String component, List<Migration> migrations) {
    List<String> history =
        new ArrayList<>(versions(RuntimeSchema.COMPONENT, RuntimeSchema.MIGRATIONS));
    history.addAll(versions(component, migrations));
    return history;
  }

  /** {@code component:version} of each of {@code migrations}, in order. */
  static List<String> versions(String component, List<Migration> migrations) {
    return migrations.stream().map(m -> component + ":" + m.version()).toList();
  }

  /** The one-line refusal of a history whose {@code applied} migration was edited since. */
  static String editedRefusal(String component, Migration applied, Migration edited) {
    return "migrations of "
        + component
        + " do not match the database's history (flyway_history_"
        + component
        + "): v"
        + applied.version()
        + " \""
        + applied.description()
        + "\" was edited after it was applied (checksum "
        + applied.checksum()
        + " applied, "
        + edited.checksum()
        + " in the code)";
  }

  /**
   * Runs {@code migrations} and records them in {@code schema_migrations} exactly as the old
   * migrator did, runtime tables first.
   */
  static void writeAsTheOldMigrator(Database database, String component, List<Migration> migrations)
      throws SQLException {
    try (Connection connection = database.open();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE schema_migrations ("
              + " component VARCHAR(100) NOT NULL,"
              + " version INTEGER NOT NULL,"
              + " description VARCHAR(500) NOT NULL,"
              + " applied_at BIGINT NOT NULL,"
              + " PRIMARY KEY (component, version))");
      apply(connection, database, RuntimeSchema.COMPONENT, RuntimeSchema.MIGRATIONS);
      apply(connection, database, component, migrations);
      connection.commit();
    }
  }

  private static void apply(
      Connection connection, Database database, String component, List<Migration> migrations)
      throws SQLException {
    for (Migration migration : migrations) {
      try (Statement statement = connection.createStatement()) {
        for (String sql : migration.statements()) {
          statement.execute(database.expand(sql));
        }
      }
      try (PreparedStatement insert =
          connection.prepareStatement("INSERT INTO schema_migrations VALUES (?, ?, ?, ?)")) {
        insert.setString(1, component);
        insert.setInt(2, migration.version());
        insert.setString(3, migration.description());
        insert.setLong(4, System.currentTimeMillis());
        insert.executeUpdate();
      }
    }
  }
}
