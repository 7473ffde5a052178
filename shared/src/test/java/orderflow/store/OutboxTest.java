package orderflow.store;

import static orderflow.store.StoreFixtures.backlog;
import static orderflow.store.StoreFixtures.orderCreated;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.publish.EventMessages;
import orderflow.testing.TestDatabases;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {
  @TempDir Path dir;
  private Database database;

  @BeforeEach
  void migrate() throws SQLException {
    database = Database.open(TestDatabases.sqlite(dir));
    database.migrate("test");
  }

  @Test
  void committedEventsCountInTheBacklogUntilMarkedSent() throws SQLException {
    addAndCommit(orderCreated(), orderCreated(), orderCreated());
    assertEquals(3, backlog(database));

    try (Connection connection = database.open()) {
      List<OutboxEntry> rows = Outbox.unsent(connection, 2, false);
      Outbox.markSent(connection, rows.stream().map(OutboxEntry::id).toList(), 1L);
      connection.commit();
    }

    assertEquals(1, backlog(database));
  }

  @Test
  void aRolledBackAddLeavesNothingToPublish() throws SQLException {
    try (Connection connection = database.open()) {
      Outbox.add(connection, "orders", orderCreated());
      connection.rollback();
    }

    assertEquals(0, backlog(database));
  }

  @Test
  void storesTheEncodedEventWithWhereToPublishIt() throws SQLException {
    EventEnvelope event = orderCreated();
    addAndCommit(event);

    OutboxEntry row;
    try (Connection connection = database.open()) {
      row = Outbox.unsent(connection, 10, false).get(0);
    }

    assertEquals(event.eventId().toString(), row.message().properties().getMessageId());
    assertEquals(EventMessages.properties(event), row.message().properties());
    assertEquals("orders", row.message().exchange());
    assertEquals("order.created", row.message().routingKey());
    assertArrayEquals(new EventCodec().encode(event), row.message().body());
    assertEquals(event, new EventCodec().decode(row.message().body()));
  }

  @Test
  void unsentRowsComeInCommitOrder() throws SQLException {
    EventEnvelope first = orderCreated();
    EventEnvelope second = orderCreated();
    addAndCommit(first);
    addAndCommit(second);

    try (Connection connection = database.open()) {
      assertEquals(
          List.of(first.eventId().toString(), second.eventId().toString()),
          Outbox.unsent(connection, 10, false).stream()
              .map(row -> row.message().properties().getMessageId())
              .toList());
    }
  }

  @Test
  void retentionDeletesOnlyRowsSentBeforeTheCutoffInBatches() throws SQLException {
    addAndCommit(orderCreated(), orderCreated(), orderCreated(), orderCreated());
    try (Connection connection = database.open()) {
      List<OutboxEntry> rows = Outbox.unsent(connection, 10, false);
      Outbox.markSent(connection, List.of(rows.get(0).id(), rows.get(1).id()), 1_000L);
      Outbox.markSent(connection, List.of(rows.get(2).id()), 5_000L);
      assertEquals(1, Outbox.pruneSent(connection, 2_000L, 1));
      assertEquals(1, Outbox.pruneSent(connection, 2_000L, 10));
      assertEquals(0, Outbox.pruneSent(connection, 2_000L, 10));
      connection.commit();
      assertEquals(2, database.rows("outbox"));
      assertEquals(1, Outbox.backlog(connection), "an unsent row is never pruned");
    }
  }

  @Test
  void retentionDeletesInboxEntriesReceivedBeforeTheCutoff() throws SQLException {
    try (Connection connection = database.open()) {
      for (int i = 0; i < 5; i++) {
        Inbox.record(connection, "test", orderCreated().eventId(), null);
      }
      execute(connection, "UPDATE inbox SET received_at = 1000 WHERE rowid <= 3");
      assertEquals(3, Inbox.prune(connection, database, 2_000L, 10));
      connection.commit();
      assertEquals(2, database.rows("inbox"));
    }
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (java.sql.Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private void addAndCommit(EventEnvelope... events) throws SQLException {
    try (Connection connection = database.open()) {
      for (EventEnvelope event : events) {
        Outbox.add(connection, "orders", event);
      }
      connection.commit();
    }
  }

  @Test
  void addingABatchStoresEachEventAsAddingOneByOne() throws SQLException {
    BatchedWritesChecks.addAllStoresEachEventAsAddDoes(database);
  }
}
