package orderflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import orderflow.store.Database;
import orderflow.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueryDatabaseTest {
  @TempDir Path dir;

  @Test
  void readsTheServicesTableOnAConnectionThatCannotWrite() throws Exception {
    String url = databaseWithNotes();

    long count = QueryDatabase.read(url, "notes", "notes", false, QueryDatabaseTest::countNotes);
    SQLException write =
        assertThrows(
            SQLException.class,
            () ->
                QueryDatabase.read(
                    url,
                    "notes",
                    "notes",
                    false,
                    connection -> {
                      try (Statement statement = connection.createStatement()) {
                        return statement.executeUpdate("INSERT INTO notes VALUES ('x')");
                      }
                    }));

    assertEquals(1, count);
    assertTrue(write.getMessage().toLowerCase().contains("readonly"), write.getMessage());
  }

  @Test
  void aSnapshotReadSeesTheSameRows() throws Exception {
    String url = databaseWithNotes();

    long count = QueryDatabase.read(url, "notes", "notes", true, QueryDatabaseTest::countNotes);

    assertEquals(1, count);
  }

  @Test
  void aDatabaseWithoutTheServicesTableIsOneLineNamingTableAndService() throws Exception {
    String url = databaseWithNotes();

    IllegalStateException failure =
        assertThrows(
            IllegalStateException.class,
            () -> QueryDatabase.read(url, "shipping", "shipments", false, c -> 0));

    assertTrue(
        failure.getMessage().contains("has no shipments table (has the shipping service run"),
        failure.getMessage());
  }

  @Test
  void aMissingSqliteFileIsAnErrorAndIsNotCreated() {
    Path missing = dir.resolve("missing.db");

    assertThrows(
        IllegalStateException.class,
        () -> QueryDatabase.read("jdbc:sqlite:" + missing, "notes", "notes", false, c -> 0));

    assertFalse(Files.exists(missing));
  }

  private String databaseWithNotes() throws SQLException {
    String url = TestDatabases.sqlite(dir);
    try (Database database = Database.open(url)) {
      database.migrate("notes");
    }
    return url;
  }

  private static long countNotes(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM notes")) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
