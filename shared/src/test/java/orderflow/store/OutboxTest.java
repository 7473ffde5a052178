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
    database.migrate("test", List.of());
  }

  @Test
  void committedEventsCountInTheBacklogUntilMarkedSent() throws SQLException {
    addAndCommit(orderCreated(), orderCreated(), orderCreated());
    assertEquals(3, backlog(database));

    try (Connection connection = database.open()) {
      List<OutboxRow> rows = OutboxRows.unsent(connection, 2, false);
      OutboxRows.markSent(connection, rows.stream().map(OutboxRow::id).toList(), 1L);
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

    OutboxRow row;
    try (Connection connection = database.open()) {
      row = OutboxRows.unsent(connection, 10, false).get(0);
    }

    assertEquals(event.eventId().toString(), row.eventId());
    assertEquals("orders", row.exchange());
    assertEquals("order.created", row.routingKey());
    assertArrayEquals(new EventCodec().encode(event), row.body());
    assertEquals(event, new EventCodec().decode(row.body()));
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
          OutboxRows.unsent(connection, 10, false).stream().map(OutboxRow::eventId).toList());
    }
  }

  @Test
  void cleanUpDeletesOnlyRowsSentBeforeTheCutoff() throws SQLException {
    addAndCommit(orderCreated(), orderCreated(), orderCreated());
    try (Connection connection = database.open()) {
      List<OutboxRow> rows = OutboxRows.unsent(connection, 10, false);
      OutboxRows.markSent(connection, List.of(rows.get(0).id()), 1_000L);
      OutboxRows.markSent(connection, List.of(rows.get(1).id()), 5_000L);
      assertEquals(1, OutboxRows.deleteSentBefore(connection, 2_000L));
      connection.commit();
      assertEquals(List.of("2"), StoreFixtures.strings(connection, "SELECT COUNT(*) FROM outbox"));
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
