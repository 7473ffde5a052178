package orderflow.consume.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import orderflow.consume.EventHandler;
import orderflow.consume.ServiceDefinition;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventType;
import orderflow.envelope.PayloadDigest;
import orderflow.store.Database;
import orderflow.store.Inbox;
import orderflow.store.Outbox;
import orderflow.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warm-up leaves nothing behind, whatever its handlers write or throw: no inbox entry, no
 * outbox row, ids free for real events.
 */
class WarmUpTest {
  @TempDir Path dir;

  @Test
  void everyTypeHasAValidSampleThatRoundTripsThroughTheCodec() {
    EventCodec codec = new EventCodec();
    for (EventType type : EventType.values()) {
      EventEnvelope sample = EventEnvelope.first(WarmUp.sample(type), "test");
      assertEquals(sample, codec.decode(codec.encode(sample)));
    }
  }

  @Test
  void theStoreWarmUpCommitsNothing() throws Exception {
    try (Database database = Database.open(TestDatabases.sqlite(dir))) {
      database.migrate("warm-up-test");
      AtomicInteger handled = new AtomicInteger();
      Map<EventType, EventHandler> handlers = new EnumMap<>(EventType.class);
      for (EventType type : EventType.values()) {
        handlers.put(
            type,
            (event, context) -> {
              handled.incrementAndGet();
              Outbox.add(context.connection(), "orders", EventEnvelope.first(event.payload(), "t"));
              context.emit(event.payload());
              if (type == EventType.ORDER_SHIPPED) {
                throw new IllegalStateException("a handler refusing a synthetic event");
              }
            });
      }
      WarmUp.run(
          database, "orders", new ServiceDefinition("warm-up-test", "q", handlers, List.of()));

      assertEquals(WarmUp.HANDLER_ROUNDS * EventType.values().length, handled.get());

      assertEquals(0, database.rows("inbox"));
      assertEquals(0, database.rows("outbox"));
      EventEnvelope real = EventEnvelope.first(WarmUp.sample(EventType.ORDER_CREATED), "test");
      assertEquals(1, addedOutboxId(database, real), "the rolled-back rows used no id");
    }
  }

  private static long addedOutboxId(Database database, EventEnvelope event) throws SQLException {
    try (Connection tx = database.open()) {
      Inbox.recordAll(
          tx, "warm-up-test", List.of(new Inbox.Arrival(event.eventId(), PayloadDigest.of(event))));
      long id = Outbox.add(tx, "orders", event).id();
      tx.commit();
      return id;
    }
  }
}
