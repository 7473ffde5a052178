package orderflow.store;

import static orderflow.store.StoreFixtures.backlog;
import static orderflow.store.StoreFixtures.orderCreated;
import static orderflow.store.StoreFixtures.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
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

/** The store on a real PostgreSQL, each test in a fresh schema dropped afterwards. */
class PostgresStoreIT {
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
    TestDatabases.dropPostgresSchema(url);
  }

  @Test
  void migratingTwiceAppliesEachMigrationOnce() throws SQLException {
    database.migrate("items");
    database.migrate("items");

    assertEquals(
        MigrationHistories.RUNTIME_AND_ITEMS,
        MigrationHistories.applied(database, "runtime", "items"));
    assertEquals(List.of("1"), query("SELECT COUNT(*) FROM items"));
  }

  @Test
  void twoProcessesMigratingAtOnceApplyEachMigrationOnce() throws Exception {
    CyclicBarrier start = new CyclicBarrier(2);
    Callable<Void> migrate =
        () -> {
          Database own = Database.open(url);
          start.await(10, TimeUnit.SECONDS);
          own.migrate("items");
          return null;
        };
    Future<Void> first = threads.submit(migrate);
    Future<Void> second = threads.submit(migrate);
    first.get(30, TimeUnit.SECONDS);
    second.get(30, TimeUnit.SECONDS);

    assertEquals(
        MigrationHistories.RUNTIME_AND_ITEMS,
        MigrationHistories.applied(database, "runtime", "items"));
    assertEquals(List.of("1"), query("SELECT COUNT(*) FROM items"));
  }

  @Test
  void anEventIsNewOnceAndADuplicateAfterwards() throws SQLException {
    database.migrate("items");
    UUID eventId = UUID.randomUUID();

    assertTrue(recordAndCommit(eventId));
    assertFalse(recordAndCommit(eventId));
  }

  @Test
  void twoConsumersRecordingTheSameEventAtOnceGetExactlyOneNew() throws Exception {
    database.migrate("items");
    for (int round = 0; round < 20; round++) {
      UUID eventId = UUID.randomUUID();
      CyclicBarrier together = new CyclicBarrier(2);
      Callable<Boolean> record =
          () -> {
            try (Connection connection = database.open()) {
              together.await(10, TimeUnit.SECONDS);
              boolean isNew =
                  Inbox.record(connection, "inventory", eventId, null).status() == Inbox.Status.NEW;
              connection.commit();
              return isNew;
            }
          };
      Future<Boolean> first = threads.submit(record);
      Future<Boolean> second = threads.submit(record);
      List<Boolean> results =
          List.of(first.get(30, TimeUnit.SECONDS), second.get(30, TimeUnit.SECONDS));

      assertEquals(1, results.stream().filter(isNew -> isNew).count(), "round " + round);
    }
  }

  @Test
  void committedEventsCountInTheBacklogUntilMarkedSent() throws SQLException {
    database.migrate("items");
    try (Connection connection = database.open()) {
      Outbox.add(connection, "orders", orderCreated());
      Outbox.add(connection, "orders", orderCreated());
      connection.commit();
    }
    assertEquals(2, backlog(database));

    try (Connection connection = database.open()) {
      List<OutboxEntry> rows = Outbox.unsent(connection, 1, true);
      Outbox.markSent(connection, List.of(rows.get(0).id()), System.currentTimeMillis());
      connection.commit();
    }

    assertEquals(1, backlog(database));
  }

  @Test
  void theRowGaugeIsThePlannersEstimateAsOfTheLastAnalyze() throws SQLException {
    database.migrate("items");
    try (Connection connection = database.open()) {
      for (int i = 0; i < 3; i++) {
        Outbox.add(connection, "orders", orderCreated());
      }
      connection.commit();
    }
    try (Connection connection = database.open();
        Statement statement = connection.createStatement()) {
      statement.execute("ANALYZE outbox");
      connection.commit();
    }

    assertEquals(3, database.rows("outbox"));
    assertEquals(0, database.rows("inbox"), "never analysed: no estimate, not -1");
  }

  @Test
  void aSecondRelayReadingAtOnceSkipsTheRowsTheFirstHoldsLocked() throws SQLException {
    database.migrate("items");
    try (Connection connection = database.open()) {
      for (int i = 0; i < 4; i++) {
        Outbox.add(connection, "orders", orderCreated());
      }
      connection.commit();
    }

    try (Connection first = database.open();
        Connection second = database.open()) {
      List<OutboxEntry> firstRows = Outbox.unsent(first, 2, true);
      List<OutboxEntry> secondRows = Outbox.unsent(second, 10, true);

      Set<Long> overlap = new HashSet<>(ids(firstRows));
      overlap.retainAll(ids(secondRows));
      assertEquals(2, firstRows.size());
      assertEquals(2, secondRows.size());
      assertEquals(Set.of(), overlap);
    }
  }

  private boolean recordAndCommit(UUID eventId) throws SQLException {
    try (Connection connection = database.open()) {
      boolean isNew =
          Inbox.record(connection, "inventory", eventId, null).status() == Inbox.Status.NEW;
      connection.commit();
      return isNew;
    }
  }

  private List<String> query(String sql) throws SQLException {
    try (Connection connection = database.open()) {
      return strings(connection, sql);
    }
  }

  private static List<Long> ids(List<OutboxEntry> rows) {
    return rows.stream().map(OutboxEntry::id).toList();
  }

  @Test
  void batchedInboxAndOutboxWritesBehaveAsRowByRowOnPostgres() throws SQLException {
    database.migrate("items");
    BatchedWritesChecks.recordAllAnswersAsRecordingOneByOne(database);
    BatchedWritesChecks.addAllStoresEachEventAsAddDoes(database);
  }

  @Test
  void serviceConnectionsEndTransactionsOfAFrozenProcessAndBoundLockWaits() throws SQLException {
    try (Connection connection = database.open()) {
      assertEquals(List.of("10s"), strings(connection, "SHOW idle_in_transaction_session_timeout"));
      assertEquals(List.of("15s"), strings(connection, "SHOW lock_timeout"));
      assertEquals(List.of("30s"), strings(connection, "SHOW statement_timeout"));
    }
  }

  @Test
  void thePoolLendsAsManyConnectionsAsItsUsersCanHoldAtOnce() throws SQLException {
    List<Connection> held = new java.util.ArrayList<>();
    try {
      // The outbox publisher's three, a consumer loop or group commit, a cancellation, retention.
      for (int i = 0; i < 6; i++) {
        held.add(database.open());
      }
      try (Connection spare = database.open()) {
        assertEquals(List.of("1"), strings(spare, "SELECT 1"));
      }
    } finally {
      for (Connection connection : held) {
        connection.close();
      }
    }
  }

  @Test
  void anOptionInTheUrlOverridesOurs() throws SQLException {
    try (Database own = Database.open(url + "&options=-c%20lock_timeout%3D2500");
        Connection connection = own.open()) {
      assertEquals(List.of("2500ms"), strings(connection, "SHOW lock_timeout"));
      assertEquals(List.of("10s"), strings(connection, "SHOW idle_in_transaction_session_timeout"));
    }
  }
}
