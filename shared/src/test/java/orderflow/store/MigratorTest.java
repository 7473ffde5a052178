package orderflow.store;

import static orderflow.store.StoreFixtures.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import orderflow.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flyway's history on a real SQLite file: refusals of a changed history, and the takeover. */
class MigratorTest {
  private static final Migration CREATE_ITEMS =
      new Migration(1, "items", List.of("CREATE TABLE items (id ${AUTO_ID}, name TEXT)"));
  private static final Migration SEED_ITEMS =
      new Migration(2, "seed", List.of("INSERT INTO items (name) VALUES ('first')"));
  private static final Migration INDEX_ITEMS =
      new Migration(3, "index", List.of("CREATE INDEX items_name ON items (name)"));

  @TempDir Path dir;

  @Test
  void anEditedMigrationStopsTheStartWithOneLineNamingComponentVersionAndChecksums()
      throws SQLException {
    Database database = Database.open(TestDatabases.sqlite(dir));
    database.migrate("items", List.of(CREATE_ITEMS, SEED_ITEMS));
    Migration edited =
        new Migration(2, "seed", List.of("INSERT INTO items (name) VALUES ('second')"));

    IllegalStateException refusal =
        assertThrows(
            IllegalStateException.class,
            () -> database.migrate("items", List.of(CREATE_ITEMS, edited)));

    assertEquals(
        MigrationHistories.editedRefusal("items", SEED_ITEMS, edited), refusal.getMessage());
    assertEquals(1, refusal.getMessage().lines().count());
  }

  @Test
  void aMigrationMissingFromTheCodeStopsTheStartAndNothingNewRuns() throws SQLException {
    Database database = Database.open(TestDatabases.sqlite(dir));
    database.migrate("items", List.of(CREATE_ITEMS, SEED_ITEMS));

    IllegalStateException refusal =
        assertThrows(
            IllegalStateException.class,
            () -> database.migrate("items", List.of(CREATE_ITEMS, INDEX_ITEMS)));

    assertEquals(
        "migrations of items do not match the database's history (flyway_history_items):"
            + " v2 \"seed\" was applied but is missing from the code",
        refusal.getMessage());
    assertEquals(List.of("items:1", "items:2"), MigrationHistories.applied(database, "items"));
  }

  @Test
  void aDatabaseMigratedByNewerCodeStopsTheStart() throws SQLException {
    Database database = Database.open(TestDatabases.sqlite(dir));
    database.migrate("items", List.of(CREATE_ITEMS, SEED_ITEMS));

    IllegalStateException refusal =
        assertThrows(
            IllegalStateException.class, () -> database.migrate("items", List.of(CREATE_ITEMS)));

    assertEquals(
        "migrations of items do not match the database's history (flyway_history_items):"
            + " v2 \"seed\" was applied by a newer version of the code",
        refusal.getMessage());
  }

  @Test
  void anEditedRuntimeMigrationIsNamedAsTheRuntimes() throws SQLException {
    Database database = Database.open(TestDatabases.sqlite(dir));
    database.migrate("items", List.of());
    try (Connection connection = database.open()) {
      connection
          .createStatement()
          .execute("UPDATE flyway_history_runtime SET checksum = 7 WHERE version = '3'");
      connection.commit();
    }

    IllegalStateException refusal =
        assertThrows(IllegalStateException.class, () -> database.migrate("items", List.of()));

    assertEquals(
        "migrations of runtime do not match the database's history (flyway_history_runtime):"
            + " v3 \"payload digest of each applied event id\" was edited after it was applied"
            + " (checksum 7 applied, "
            + RuntimeSchema.MIGRATIONS.get(2).checksum()
            + " in the code)",
        refusal.getMessage());
  }

  @Test
  void aDatabaseOfTheOldMigratorIsTakenOverKeepingItsRowsAndRunningOnlyWhatIsNew()
      throws SQLException {
    Database database = Database.open(TestDatabases.sqlite(dir));
    MigrationHistories.writeAsTheOldMigrator(database, "items", List.of(CREATE_ITEMS, SEED_ITEMS));

    // CREATE TABLE items would fail if run again; the seed would add a second row.
    database.migrate("items", List.of(CREATE_ITEMS, SEED_ITEMS, INDEX_ITEMS));
    database.migrate("items", List.of(CREATE_ITEMS, SEED_ITEMS, INDEX_ITEMS));

    assertEquals(
        MigrationHistories.migratedByThisCode(
            "items", List.of(CREATE_ITEMS, SEED_ITEMS, INDEX_ITEMS)),
        MigrationHistories.applied(database, "runtime", "items"));
    try (Connection connection = database.open()) {
      assertEquals(List.of("first"), strings(connection, "SELECT name FROM items"));
      assertEquals(
          List.of("items_name"),
          strings(connection, "SELECT name FROM sqlite_master WHERE name = 'items_name'"));
    }
  }

  @Test
  void aTakenOverMigrationThatWasEditedIsRefusedLikeAnyOther() throws SQLException {
    Database database = Database.open(TestDatabases.sqlite(dir));
    MigrationHistories.writeAsTheOldMigrator(database, "items", List.of(CREATE_ITEMS, SEED_ITEMS));
    database.migrate("items", List.of(CREATE_ITEMS, SEED_ITEMS));
    Migration edited =
        new Migration(2, "seed", List.of("INSERT INTO items (name) VALUES ('second')"));

    IllegalStateException refusal =
        assertThrows(
            IllegalStateException.class,
            () -> database.migrate("items", List.of(CREATE_ITEMS, edited)));

    assertEquals(
        MigrationHistories.editedRefusal("items", SEED_ITEMS, edited), refusal.getMessage());
  }

  @Test
  void anOldHistoryWithAVersionTheCodeLacksIsRefusedBeforeAnythingRuns() throws SQLException {
    Database database = Database.open(TestDatabases.sqlite(dir));
    MigrationHistories.writeAsTheOldMigrator(database, "items", List.of(CREATE_ITEMS, SEED_ITEMS));

    IllegalStateException refusal =
        assertThrows(
            IllegalStateException.class,
            () -> database.migrate("items", List.of(CREATE_ITEMS, INDEX_ITEMS)));

    assertEquals(
        "schema_migrations records versions [1, 2] of items but the code has [1] up to v2:"
            + " cannot take the history over",
        refusal.getMessage());
    try (Connection connection = database.open()) {
      assertEquals(
          List.of(),
          strings(
              connection, "SELECT name FROM sqlite_master WHERE name = 'flyway_history_items'"));
    }
  }

  @Test
  void checksumsFollowTheStatementsNotTheDescription() {
    Migration renamed = new Migration(2, "seeds", SEED_ITEMS.statements());

    assertEquals(SEED_ITEMS.checksum(), renamed.checksum());
    assertEquals(
        false,
        SEED_ITEMS.checksum()
            == new Migration(2, "seed", List.of("INSERT INTO items (name) VALUES ('x')"))
                .checksum());
  }
}
