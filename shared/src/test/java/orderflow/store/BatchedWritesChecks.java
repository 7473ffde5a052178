package orderflow.store;

import static orderflow.store.StoreFixtures.orderCreated;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;

/**
 * What the batched inbox and outbox writes must do on either database: the same as one row at a
 * time. 150 rows cross every chunk size (64 + 64 + 16 + 4 + 2).
 */
final class BatchedWritesChecks {
  private BatchedWritesChecks() {}

  static void recordAllAnswersAsRecordingOneByOne(Database database) throws SQLException {
    UUID before = UUID.randomUUID();
    UUID conflicting = UUID.randomUUID();
    try (Connection connection = database.open()) {
      Inbox.record(connection, "inventory", before, "digest-a");
      Inbox.record(connection, "inventory", conflicting, "digest-a");
      connection.commit();
    }
    List<Inbox.Arrival> arrivals = new ArrayList<>();
    List<Inbox.Status> expected = new ArrayList<>();
    for (int i = 0; i < 146; i++) {
      arrivals.add(new Inbox.Arrival(UUID.randomUUID(), "digest-" + i));
      expected.add(Inbox.Status.NEW);
    }
    UUID twice = UUID.randomUUID();
    arrivals.add(new Inbox.Arrival(twice, "digest-t"));
    expected.add(Inbox.Status.NEW);
    arrivals.add(new Inbox.Arrival(twice, "digest-t"));
    expected.add(Inbox.Status.DUPLICATE);
    arrivals.add(new Inbox.Arrival(before, "digest-a"));
    expected.add(Inbox.Status.DUPLICATE);
    arrivals.add(new Inbox.Arrival(conflicting, "digest-b"));
    expected.add(Inbox.Status.CONFLICT);

    List<Inbox.Recorded> recorded;
    try (Connection connection = database.open()) {
      recorded = Inbox.recordAll(connection, "inventory", arrivals);
      connection.commit();
    }

    assertEquals(expected, recorded.stream().map(Inbox.Recorded::status).toList());
    assertEquals("digest-a", recorded.get(149).storedDigest());
    try (Connection connection = database.open()) {
      for (int i = 0; i < 146; i++) {
        Inbox.Recorded again =
            Inbox.record(connection, "inventory", arrivals.get(i).eventId(), "digest-" + i);
        assertEquals(Inbox.Status.DUPLICATE, again.status(), "arrival " + i);
      }
      connection.rollback();
    }
  }

  static void addAllStoresEachEventAsAddDoes(Database database) throws SQLException {
    List<EventEnvelope> events = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      events.add(orderCreated());
    }
    List<OutboxEntry> entries;
    try (Connection connection = database.open()) {
      entries = StoreFixtures.addAll(connection, "orders", events);
      connection.commit();
    }

    List<OutboxEntry> rows;
    try (Connection connection = database.open()) {
      rows = Outbox.unsent(connection, 500, false);
    }
    assertEquals(150, rows.size());
    EventCodec codec = new EventCodec();
    for (int i = 0; i < 150; i++) {
      OutboxEntry entry = entries.get(i);
      OutboxEntry row = rows.stream().filter(r -> r.id() == entry.id()).findFirst().orElseThrow();
      assertEquals(events.get(i).eventId().toString(), messageId(row), "entry " + i);
      assertEquals("order.created", row.message().routingKey());
      assertArrayEquals(codec.encode(events.get(i)), row.message().body());
      assertArrayEquals(row.message().body(), entry.message().body());
      assertEquals(entry.message().properties(), row.message().properties());
    }
    // Rows are unsent in the order they were given, as one add after another would leave them.
    assertEquals(
        events.stream().map(e -> e.eventId().toString()).toList(),
        rows.stream().map(BatchedWritesChecks::messageId).toList());
  }

  private static String messageId(OutboxEntry row) {
    return row.message().properties().getMessageId();
  }
}
