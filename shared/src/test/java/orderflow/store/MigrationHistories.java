package orderflow.store;

import static orderflow.store.StoreFixtures.strings;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Reads Flyway's histories; restores databases the previous code made. */
final class MigrationHistories {
  /** What {@link #applied} reads after this code migrated the test component {@code items}. */
  static final List<String> RUNTIME_AND_ITEMS =
      List.of(
          "runtime:1", "runtime:2", "runtime:3", "runtime:4", "runtime:5", "items:1", "items:2");

  private MigrationHistories() {}

  /** {@code component:version} of each applied migration of the components, in that order. */
  static List<String> applied(Database database, String... components) throws SQLException {
    return select(database, "version", components);
  }

  /** {@code component:type} of each applied migration (SQL, or JDBC as the previous code wrote). */
  static List<String> types(Database database, String... components) throws SQLException {
    return select(database, "type", components);
  }

  private static List<String> select(Database database, String column, String... components)
      throws SQLException {
    List<String> applied = new ArrayList<>();
    try (Connection connection = database.openReadOnly()) {
      for (String component : components) {
        applied.addAll(
            strings(
                connection,
                "SELECT '"
                    + component
                    + ":' || "
                    + column
                    + " FROM flyway_history_"
                    + component
                    + " WHERE type <> 'BASELINE' AND success ORDER BY installed_rank"));
      }
    }
    return applied;
  }

  /**
   * A SQLite file as the previous code left it (Java migrations in Flyway's history, other
   * checksums): the runtime's tables and the test component {@code items}, one inbox row.
   */
  static String previousSqlite(Path dir) throws IOException {
    Path file = dir.resolve("previous.db");
    try (InputStream in = resource("store/previous-version.db")) {
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
    }
    return "jdbc:sqlite:" + file;
  }

  /** The same in PostgreSQL: the previous code's schema restored into the URL's schema. */
  static void restorePreviousPostgres(Connection connection) throws IOException, SQLException {
    String dump;
    try (InputStream in = resource("store/previous-version-postgresql.sql")) {
      dump = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try (Statement statement = connection.createStatement()) {
      for (String sql : dump.replaceAll("(?m)^--.*$", "").split(";\\s*\n")) {
        if (!sql.isBlank()) {
          statement.execute(sql);
        }
      }
    }
  }

  private static InputStream resource(String name) {
    return MigrationHistories.class.getClassLoader().getResourceAsStream(name);
  }
}
