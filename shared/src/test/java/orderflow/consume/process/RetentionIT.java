package orderflow.consume.process;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.PayloadDigest;
import orderflow.store.Database;
import orderflow.store.Inbox;
import orderflow.store.Outbox;
import orderflow.store.OutboxEntry;
import orderflow.store.StoreFixtures;
import orderflow.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 100,000 orders through a SQLite file, written as the pipeline and the publisher write them (an
 * inbox entry and an outbox row each, marked sent), with retention on a window of a second: the
 * file stops growing once the window is full.
 */
class RetentionIT {
  private static final int ORDERS = 100_000;
  private static final int BATCH = 500;

  @TempDir Path dir;

  @Test
  void theDatabaseStaysTheSameSizeUnderAWindowOfASecond() throws Exception {
    Database database = Database.open(TestDatabases.sqlite(dir));
    database.migrate("retention-it");
    RetentionTask.Settings window =
        new RetentionTask.Settings(
            Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(200));
    List<Long> sizes = new ArrayList<>();
    try (RetentionTask retention = new RetentionTask(database, window, "it")) {
      retention.start();
      for (int written = 0; written < ORDERS; written += BATCH) {
        writeBatch(database);
        if ((written + BATCH) % 10_000 == 0) {
          sizes.add(database.sizeBytes());
        }
        // About 10,000 orders a second: the window holds some 10,000 of each row.
        Thread.sleep(BATCH / 10);
      }
    } finally {
      database.close();
    }
    System.out.println("database bytes every 10,000 orders: " + sizes);

    // The first 10,000 orders fill about a window (and part of the log, truncated by compaction);
    // with retention the file holds a few windows at most, without it one more every 10,000
    // orders, ten by the end.
    long largest = sizes.stream().mapToLong(Long::longValue).max().orElseThrow();
    assertTrue(largest < sizes.get(0) * 4, "the file kept growing: " + sizes);
  }

  private static void writeBatch(Database database) throws SQLException {
    List<EventEnvelope> events = new ArrayList<>(BATCH);
    List<Inbox.Arrival> arrivals = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      EventEnvelope event = StoreFixtures.orderCreated();
      events.add(event);
      arrivals.add(new Inbox.Arrival(event.eventId(), PayloadDigest.of(event)));
    }
    List<OutboxEntry> entries;
    try (Connection connection = database.open()) {
      Inbox.recordAll(connection, "retention-it", arrivals);
      entries = StoreFixtures.addAll(connection, "orders", events);
      connection.commit();
    }
    try (Connection connection = database.open()) {
      Outbox.markSent(
          connection, entries.stream().map(OutboxEntry::id).toList(), System.currentTimeMillis());
      connection.commit();
    }
  }
}
