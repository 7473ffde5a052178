package orderflow.store;

import static orderflow.store.StoreFixtures.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import orderflow.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
  @TempDir Path dir;

  @Test
  void createsTheParentDirectoriesOfASqliteFile() throws SQLException {
    Path file = dir.resolve("nested/deeper/service.db");
    Database database = Database.open("jdbc:sqlite:" + file);
    database.migrate("items");

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
}
