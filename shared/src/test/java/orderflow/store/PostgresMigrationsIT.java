package orderflow.store;

import static orderflow.store.StoreFixtures.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import orderflow.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Flyway's scripts and history on a real PostgreSQL, each test in a fresh schema. */
class PostgresMigrationsIT {
  private String url;
  private Database database;
  private final ExecutorService threads = Executors.newFixedThreadPool(2);

  @BeforeEach
  void freshSchema() {
    url = TestDatabases.freshPostgresSchema();
    database = Database.open(url);
  }

  @AfterEach
  void dropSchema() throws SQLException {
    threads.shutdownNow();
    database.close();
    TestDatabases.dropPostgresSchema(url);
  }

  @Test
  void anEditedScriptStopsTheStartInOneLineNamingTheVersion() throws SQLException {
    database.migrate("items");
    try (Connection connection = database.open();
        Statement statement = connection.createStatement()) {
      statement.execute("UPDATE flyway_history_items SET checksum = 7 WHERE version = '2'");
      connection.commit();
    }

    SQLException refusal = assertThrows(SQLException.class, () -> database.migrate("items"));

    assertEquals(1, refusal.getMessage().lines().count(), refusal.getMessage());
    assertTrue(refusal.getMessage().contains("checksum mismatch for migration version 2"));
  }

  @Test
  void twoProcessesOpeningADatabaseOfThePreviousCodeAtOnceRunNothingAgain() throws Exception {
    try (Connection connection = database.open()) {
      MigrationHistories.restorePreviousPostgres(connection);
      connection.commit();
    }
    CyclicBarrier start = new CyclicBarrier(2);
    Callable<Void> migrate =
        () -> {
          try (Database own = Database.open(url)) {
            start.await(10, TimeUnit.SECONDS);
            own.migrate("items");
          }
          return null;
        };
    Future<Void> first = threads.submit(migrate);
    Future<Void> second = threads.submit(migrate);
    first.get(60, TimeUnit.SECONDS);
    second.get(60, TimeUnit.SECONDS);

    assertEquals(
        MigrationHistories.RUNTIME_AND_ITEMS,
        MigrationHistories.applied(database, "runtime", "items"));
    assertEquals(
        List.of("runtime:SQL", "items:SQL"),
        MigrationHistories.types(database, "runtime", "items").stream().distinct().toList());
    try (Connection connection = database.open()) {
      assertEquals(List.of("1"), strings(connection, "SELECT COUNT(*) FROM items"));
      assertEquals(List.of("e-1"), strings(connection, "SELECT event_id FROM inbox"));
    }
  }
}
