package orderflow.consume.process;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;
import orderflow.store.Database;
import orderflow.store.Inbox;
import orderflow.store.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the inbox and the outbox bounded, off the consumer thread: every {@link
 * Settings#interval()} it deletes inbox entries older than the dedup window and outbox rows sent
 * longer ago than their retention, {@value #BATCH} rows per transaction, then compacts the file
 * (SQLite). A redelivery older than the dedup window is no longer recognised by the inbox; the
 * handlers' own keys (an order is reserved, shipped, projected once) still refuse its effect.
 *
 * <p>This class is thread-safe.
 */
final class RetentionTask implements AutoCloseable {
  static final int BATCH = 1_000;
  private static final Logger log = LoggerFactory.getLogger(RetentionTask.class);

  /** How long applied event ids and sent outbox rows are kept, and how often retention runs. */
  record Settings(Duration dedupWindow, Duration sentOutbox, Duration interval) {
    static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);
  }

  private final Database database;
  private final Settings settings;
  private final ScheduledExecutorService scheduler;
  private final AtomicLong prunedInbox = new AtomicLong();
  private final AtomicLong prunedOutbox = new AtomicLong();
  private volatile long inboxRows;
  private volatile long outboxRows;
  private volatile long databaseBytes;

  RetentionTask(Database database, Settings settings, String name) {
    this.database = database;
    this.settings = settings;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, name + "-retention");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Pruned rows by table, rows left by table, and the database's bytes, in {@code registry}. */
  void register(MeterRegistry registry) {
    Map<String, AtomicLong> pruned = Map.of("inbox", prunedInbox, "outbox", prunedOutbox);
    Map<String, ToDoubleFunction<RetentionTask>> rows =
        Map.of("inbox", task -> task.inboxRows, "outbox", task -> task.outboxRows);
    for (String table : List.of("inbox", "outbox")) {
      FunctionCounter.builder("orderflow.retention.pruned", pruned.get(table), AtomicLong::get)
          .description("Rows deleted by retention")
          .tag("table", table)
          .register(registry);
      Gauge.builder("orderflow.store.rows", this, rows.get(table))
          .description(
              "Rows in the runtime's tables as of the last retention run (PostgreSQL: estimated)")
          .tag("table", table)
          .register(registry);
    }
    Gauge.builder("orderflow.store.size", this, task -> task.databaseBytes)
        .description("Bytes the service's database takes, as of the last retention run")
        .baseUnit("bytes")
        .register(registry);
  }

  void start() {
    long period = settings.interval().toMillis();
    scheduler.scheduleWithFixedDelay(this::runOnce, 0, period, TimeUnit.MILLISECONDS);
  }

  /** One retention pass; failures are logged and the next pass tries again. */
  void runOnce() {
    try {
      long now = System.currentTimeMillis();
      long inboxCutoff = now - settings.dedupWindow().toMillis();
      long inbox = prune(connection -> Inbox.prune(connection, database, inboxCutoff, BATCH));
      long outboxCutoff = now - settings.sentOutbox().toMillis();
      long outbox = prune(connection -> Outbox.pruneSent(connection, outboxCutoff, BATCH));
      prunedInbox.addAndGet(inbox);
      prunedOutbox.addAndGet(outbox);
      if (inbox + outbox > 0) {
        database.compact();
        log.debug("retention deleted {} inbox and {} outbox rows", inbox, outbox);
      }
      inboxRows = database.rows("inbox");
      outboxRows = database.rows("outbox");
      databaseBytes = database.sizeBytes();
    } catch (SQLException | RuntimeException e) {
      log.warn(
          "retention of {} failed, trying again in {}: {}",
          database.describe(),
          settings.interval(),
          e.toString());
    }
  }

  private interface BatchDelete {
    int delete(Connection connection) throws SQLException;
  }

  /** Deletes batch after batch, each in its own transaction, until a batch comes up short. */
  private long prune(BatchDelete batch) throws SQLException {
    long total = 0;
    int deleted;
    do {
      try (Connection connection = database.open()) {
        deleted = batch.delete(connection);
        connection.commit();
      }
      total += deleted;
    } while (deleted == BATCH && !scheduler.isShutdown());
    return total;
  }

  @Override
  public void close() throws InterruptedException {
    scheduler.shutdownNow();
    scheduler.awaitTermination(5, TimeUnit.SECONDS);
  }
}
