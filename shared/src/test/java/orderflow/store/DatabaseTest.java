package orderflow.store;

import static orderflow.store.StoreFixtures.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import orderflow.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

class DatabaseTest {
  private static final Migration CREATE_ITEMS =
      new Migration(
          1, "items", List.of("CREATE TABLE items (id ${AUTO_ID}, name TEXT, data ${BLOB})"));
  private static final Migration SEED_ITEMS =
      new Migration(2, "seed", List.of("INSERT INTO items (name) VALUES ('first')"));

  @TempDir Path dir;

  @Test
  void migratingTwiceAppliesEachMigrationOnce() throws SQLException {
    Database database = Database.open(TestDatabases.sqlite(dir));
    database.migrate("items", List.of(CREATE_ITEMS, SEED_ITEMS));
    database.migrate("items", List.of(CREATE_ITEMS, SEED_ITEMS));

    assertEquals(
        MigrationHistories.migratedByThisCode("items", List.of(CREATE_ITEMS, SEED_ITEMS)),
        MigrationHistories.applied(database, "runtime", "items"));
    try (Connection connection = database.open()) {
      assertEquals(List.of("first"), strings(connection, "SELECT name FROM items"));
    }
  }

  @Test
  void appliesMigrationsInVersionOrderWhateverTheListOrder() throws SQLException {
    Database database = Database.open(TestDatabases.sqlite(dir));
    database.migrate("items", List.of(SEED_ITEMS, CREATE_ITEMS));

    try (Connection connection = database.open()) {
      assertEquals(List.of("first"), strings(connection, "SELECT name FROM items"));
    }
  }

  @Test
  void appliesOnlyTheNewMigrationOnALaterStart() throws SQLException {
    Database database = Database.open(TestDatabases.sqlite(dir));
    database.migrate("items", List.of(CREATE_ITEMS));
    database.migrate("items", List.of(CREATE_ITEMS, SEED_ITEMS));

    try (Connection connection = database.open()) {
      assertEquals(List.of("first"), strings(connection, "SELECT name FROM items"));
    }
  }

  @Test
  void aFailingMigrationIsRolledBackAndNotRecorded() throws SQLException {
    Database database = Database.open(TestDatabases.sqlite(dir));
    Migration broken =
        new Migration(
            2,
            "broken",
            List.of("INSERT INTO items (name) VALUES ('half')", "INSERT INTO nowhere VALUES (1)"));

    assertThrows(
        SQLException.class, () -> database.migrate("items", List.of(CREATE_ITEMS, broken)));

    assertEquals(List.of("items:1"), MigrationHistories.applied(database, "items"));
    try (Connection connection = database.open()) {
      assertEquals(List.of(), strings(connection, "SELECT name FROM items"));
    }
  }

  @Test
  void rejectsTwoMigrationsWithTheSameVersion() {
    Database database = Database.open(TestDatabases.sqlite(dir));
    Migration twin = new Migration(1, "twin", List.of("SELECT 1"));

    assertThrows(
        IllegalArgumentException.class,
        () -> database.migrate("items", List.of(CREATE_ITEMS, twin)));
  }

  @Test
  void rejectsTheRuntimesOwnComponentName() {
    Database database = Database.open(TestDatabases.sqlite(dir));

    assertThrows(IllegalArgumentException.class, () -> database.migrate("runtime", List.of()));
  }

  @Test
  void createsTheParentDirectoriesOfASqliteFile() throws SQLException {
    Path file = dir.resolve("nested/deeper/service.db");
    Database database = Database.open("jdbc:sqlite:" + file);
    database.migrate("items", List.of());

    assertTrue(Files.exists(file));
  }

  @Test
  void sqliteConnectionsAreDurableAndInATransaction() throws SQLException {
    Database database = Database.open(TestDatabases.sqlite(dir));

    try (Connection connection = database.open()) {
      assertFalse(connection.getAutoCommit());
      assertEquals(List.of("wal"), strings(connection, "PRAGMA journal_mode"));
      assertEquals(List.of("2"), strings(connection, "PRAGMA synchronous"));
      assertEquals(List.of("1"), strings(connection, "PRAGMA foreign_keys"));
      assertEquals(List.of("10000"), strings(connection, "PRAGMA busy_timeout"));
    }
  }

  @Test
  void theSqliteWriteConnectionKeepsALargerCacheAndCheckpointsLessOften() throws SQLException {
    Database database = Database.open(TestDatabases.sqlite(dir));

    try (Connection connection = database.open()) {
      assertEquals(List.of("-32768"), strings(connection, "PRAGMA cache_size"));
      assertEquals(List.of("10000"), strings(connection, "PRAGMA wal_autocheckpoint"));
    }
  }

  @Test
  void describeNeverShowsAPassword() {
    Database database =
        Database.open("jdbc:postgresql://db.example:5432/orders?user=app&password=s3cret&ssl=true");

    assertFalse(database.describe().contains("s3cret"), database.describe());
    assertTrue(database.describe().contains("db.example:5432/orders"), database.describe());
    assertEquals(Dialect.POSTGRESQL, database.dialect());
  }

  @Test
  void pingAnswersForAReachableDatabaseAndNotForAnUnreachableOne() {
    assertTrue(Database.open(TestDatabases.sqlite(dir)).ping());
    assertFalse(Database.open("jdbc:postgresql://127.0.0.1:1/none?user=nobody").ping());
  }

  @Test
  void sqliteBusyAndLockedAreTransientOtherErrorsAreNot() {
    Database database = Database.open(TestDatabases.sqlite(dir));

    assertTrue(database.isTransient(new SQLiteException("busy", SQLiteErrorCode.SQLITE_BUSY)));
    assertTrue(database.isTransient(new SQLiteException("locked", SQLiteErrorCode.SQLITE_LOCKED)));
    assertTrue(
        database.isTransient(
            new SQLException("wrapped", new SQLiteException("b", SQLiteErrorCode.SQLITE_BUSY))));
    assertFalse(
        database.isTransient(new SQLiteException("unique", SQLiteErrorCode.SQLITE_CONSTRAINT)));
  }

  @Test
  void postgresqlConflictsAndLostConnectionsAreTransientOtherErrorsAreNot() {
    Database database = Database.open("jdbc:postgresql://127.0.0.1:1/none");

    for (String state : List.of("40001", "40P01", "55P03", "08006", "08001")) {
      assertTrue(database.isTransient(new SQLException("x", state)), state);
    }
    assertFalse(database.isTransient(new SQLException("unique", "23505")));
    assertFalse(database.isTransient(new SQLException("no state")));
  }
}
