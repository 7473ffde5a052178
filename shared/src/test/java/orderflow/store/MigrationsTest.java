package orderflow.store;

import static orderflow.store.StoreFixtures.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import orderflow.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flyway's scripts and history on a real SQLite file. */
class MigrationsTest {
  @TempDir Path dir;

  @Test
  void migratingTwiceAppliesEachScriptOnceRuntimeFirst() throws SQLException {
    Database database = Database.open(TestDatabases.sqlite(dir));
    database.migrate("items");
    database.migrate("items");

    assertEquals(
        MigrationHistories.RUNTIME_AND_ITEMS,
        MigrationHistories.applied(database, "runtime", "items"));
    assertEquals(List.of("first"), query(database, "SELECT name FROM items"));
  }

  @Test
  void aFailingScriptIsRolledBackAndNotRecordedAndTheFailureIsOneLine() throws SQLException {
    Database database = Database.open(TestDatabases.sqlite(dir));

    SQLException failure = assertThrows(SQLException.class, () -> database.migrate("broken"));

    assertEquals(1, failure.getMessage().lines().count(), failure.getMessage());
    assertTrue(failure.getMessage().startsWith("cannot migrate broken in "), failure.getMessage());
    assertEquals(List.of("broken:1"), MigrationHistories.applied(database, "broken"));
    assertEquals(List.of(), query(database, "SELECT name FROM broken_items"));
  }

  @Test
  void anEditedScriptStopsTheStartInOneLineNamingTheVersion() throws SQLException {
    Database database = Database.open(TestDatabases.sqlite(dir));
    database.migrate("items");
    update(database, "UPDATE flyway_history_items SET checksum = 7 WHERE version = '2'");

    SQLException refusal = assertThrows(SQLException.class, () -> database.migrate("items"));

    assertEquals(1, refusal.getMessage().lines().count(), refusal.getMessage());
    assertTrue(refusal.getMessage().contains("checksum mismatch for migration version 2"));
  }

  @Test
  void aDatabaseMigratedByNewerCodeStopsTheStart() throws SQLException {
    Database database = Database.open(TestDatabases.sqlite(dir));
    database.migrate("items");
    update(
        database,
        "INSERT INTO flyway_history_items (installed_rank, version, description, type, script,"
            + " checksum, installed_by, execution_time, success)"
            + " VALUES (9, '3', 'newer', 'SQL', 'V3__newer.sql', 1, 'test', 0, 1)");

    SQLException refusal = assertThrows(SQLException.class, () -> database.migrate("items"));

    assertTrue(refusal.getMessage().contains("not resolved locally: 3"), refusal.getMessage());
  }

  @Test
  void aDatabaseOfThePreviousCodeOpensKeepingItsRowsAndRunningNothingAgain() throws Exception {
    Database database = Database.open(MigrationHistories.previousSqlite(dir));
    assertEquals(
        List.of("runtime:JDBC", "items:JDBC"),
        MigrationHistories.types(database, "runtime", "items").stream().distinct().toList());

    // CREATE TABLE items would fail if run again; the seed would add a second row.
    database.migrate("items");
    database.migrate("items");

    assertEquals(
        MigrationHistories.RUNTIME_AND_ITEMS,
        MigrationHistories.applied(database, "runtime", "items"));
    assertEquals(
        List.of("runtime:SQL", "items:SQL"),
        MigrationHistories.types(database, "runtime", "items").stream().distinct().toList());
    assertEquals(List.of("first"), query(database, "SELECT name FROM items"));
    assertEquals(List.of("e-1"), query(database, "SELECT event_id FROM inbox"));
  }

  @Test
  void aPreviousHistoryWithAVersionNoScriptHasIsRefusedNotRepaired() throws Exception {
    Database database = Database.open(MigrationHistories.previousSqlite(dir));
    update(
        database,
        "INSERT INTO flyway_history_items (installed_rank, version, description, type, script,"
            + " checksum, installed_by, execution_time, success)"
            + " VALUES (9, '1.5', 'gone', 'JDBC', 'x', 1, 'test', 0, 1)");

    assertThrows(SQLException.class, () -> database.migrate("items"));
    SQLException again = assertThrows(SQLException.class, () -> database.migrate("items"));

    assertTrue(again.getMessage().contains("Validate failed"), again.getMessage());
    assertEquals(
        List.of("items:1", "items:2", "items:1.5"), MigrationHistories.applied(database, "items"));
  }

  private static List<String> query(Database database, String sql) throws SQLException {
    try (Connection connection = database.openReadOnly()) {
      return strings(connection, sql);
    }
  }

  private static void update(Database database, String sql) throws SQLException {
    try (Connection connection = database.open();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
      connection.commit();
    }
  }
}
