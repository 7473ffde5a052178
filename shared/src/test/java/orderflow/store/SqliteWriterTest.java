package orderflow.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import orderflow.testing.TestDatabases;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/** SQLite's one write connection, lent in turns by the pool. */
class SqliteWriterTest {
  @TempDir Path dir;
  private String url;
  private Database database;

  @BeforeEach
  void createDatabase() throws SQLException {
    url = TestDatabases.sqlite(dir);
    database = Database.open(url);
    database.migrate("writer");
  }

  @Test
  void oneWriteConnectionKeepsAStatementPreparedOnceAcrossTransactions() throws SQLException {
    Connection firstConnection;
    PreparedStatement first;
    try (Connection connection = database.open();
        PreparedStatement statement = connection.prepareStatement("SELECT COUNT(*) FROM items")) {
      firstConnection = connection.unwrap(Connection.class);
      first = statement.unwrap(PreparedStatement.class);
      connection.commit();
    }
    try (Connection connection = database.openUnsynced();
        PreparedStatement statement = connection.prepareStatement("SELECT COUNT(*) FROM items")) {
      assertSame(firstConnection, connection.unwrap(Connection.class));
      assertSame(first, statement.unwrap(PreparedStatement.class));
    }
  }

  @Test
  void aSecondWriterWaitsForTheFirstToReturnItsLoan() throws Exception {
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      Future<List<String>> second;
      try (Connection first = database.open()) {
        insert(first, "first");
        second =
            thread.submit(
                () -> {
                  try (Connection connection = database.open()) {
                    return StoreFixtures.strings(connection, "SELECT name FROM items");
                  }
                });
        assertThrows(TimeoutException.class, () -> second.get(300, TimeUnit.MILLISECONDS));
        first.commit();
      }
      assertEquals(List.of("first"), second.get(10, TimeUnit.SECONDS));
    } finally {
      thread.shutdownNow();
    }
  }

  @Test
  void theSameSqlPreparedWhileInUseGetsAStatementOfItsOwn() throws SQLException {
    try (Connection connection = database.open();
        PreparedStatement outer = connection.prepareStatement("SELECT name FROM items");
        PreparedStatement inner = connection.prepareStatement("SELECT name FROM items")) {
      assertNotSame(outer.unwrap(PreparedStatement.class), inner.unwrap(PreparedStatement.class));
    }
  }

  @Test
  void anUnsyncedLoanCommitsWithoutWaitingForTheDiskAndTheNextLoanWaitsAgain() throws SQLException {
    try (Connection connection = database.openUnsynced()) {
      assertEquals(List.of("1"), StoreFixtures.strings(connection, "PRAGMA synchronous"));
      insert(connection, "mark");
      connection.commit();
    }
    try (Connection connection = database.open()) {
      // 2 is FULL: every durable commit waits for the disk again.
      assertEquals(List.of("2"), StoreFixtures.strings(connection, "PRAGMA synchronous"));
      assertEquals(List.of("1"), StoreFixtures.strings(connection, "SELECT COUNT(*) FROM items"));
    }
  }

  @Test
  void closingWithoutCommitRollsBack() throws SQLException {
    try (Connection connection = database.open()) {
      insert(connection, "lost");
    }
    try (Connection connection = database.open()) {
      insert(connection, "kept");
      connection.commit();
    }
    assertEquals(List.of("kept"), names());
  }

  @Test
  void rollingBackToASavepointUndoesOnlyWhatFollowedIt() throws SQLException {
    try (Connection connection = database.open()) {
      Savepoint outer = connection.setSavepoint();
      insert(connection, "a");
      Savepoint inner = connection.setSavepoint();
      insert(connection, "b");
      connection.rollback(inner);
      insert(connection, "c");
      connection.releaseSavepoint(inner);
      connection.releaseSavepoint(outer);
      Savepoint again = connection.setSavepoint();
      insert(connection, "d");
      connection.rollback(again);
      connection.releaseSavepoint(again);
      connection.commit();
    }
    assertEquals(List.of("a", "c"), names());
  }

  @Test
  void betweenLoansAnotherConnectionCanWriteAtOnce() throws SQLException {
    try (Connection connection = database.open()) {
      insert(connection, "first");
      connection.commit();
    }
    // The writer is idle: it must hold no lock, so a writer that does not wait gets through.
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(0);
    try (Connection other = config.createConnection(url);
        Statement statement = other.createStatement()) {
      statement.executeUpdate("INSERT INTO items (name) VALUES ('other')");
    }
    assertEquals(List.of("first", "other"), names());
  }

  @Test
  void aReturnedLoanCannotBeUsed() throws SQLException {
    Connection connection = database.open();
    connection.close();
    assertThrows(SQLException.class, () -> connection.prepareStatement("SELECT 1"));
  }

  private static void insert(Connection connection, String name) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("INSERT INTO items (name) VALUES (?)")) {
      statement.setString(1, name);
      statement.executeUpdate();
    }
  }

  private List<String> names() throws SQLException {
    try (Connection connection = database.openReadOnly();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT name FROM items ORDER BY name")) {
      List<String> names = new java.util.ArrayList<>();
      while (rows.next()) {
        names.add(rows.getString(1));
      }
      return names;
    }
  }
}
