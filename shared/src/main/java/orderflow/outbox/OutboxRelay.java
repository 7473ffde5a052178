package orderflow.outbox;

import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import orderflow.config.LogSafe;
import orderflow.store.Database;
import orderflow.store.Dialect;
import orderflow.store.Outbox;
import orderflow.store.OutboxRow;
import orderflow.store.OutboxRows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the outbox rows that no pipeline is publishing itself (see {@link OutboxDispatcher}):
 * those a crash, a nack or a lost channel left behind, and those written outside any pipeline. Rows
 * claimed in {@link OutboxClaims} are skipped; on PostgreSQL, rows younger than {@link
 * #DEFAULT_SWEEP_AGE} too (see {@link #sweepAgeFor}). It publishes with publisher confirms, in id
 * order, and marks them sent. Runs on its own thread ({@code <name>-outbox-relay}) with its own
 * channel, recreated after a channel or connection failure (the thread never dies of one). A batch
 * is read, published, its confirms awaited, and the confirmed rows marked sent in one update;
 * nacked or unconfirmed rows stay unsent and are retried after a back-off. After a crash between
 * publish and mark the rows are sent again: consumers' inboxes absorb the duplicates. A row the
 * broker returns as unroutable (no queue bound for that event type) counts as sent. Rows sent more
 * than {@link #SENT_RETENTION} ago are deleted.
 *
 * <p>On PostgreSQL a batch's rows stay locked ({@code FOR UPDATE SKIP LOCKED}) from read to mark,
 * so several instances of a service share the outbox without publishing the same rows. On SQLite
 * (one instance per file) the batch is read on a read-only connection and marked in a short
 * transaction, so the write lock is never held while waiting for the broker.
 *
 * <p>This class is thread-safe.
 */
public final class OutboxRelay implements AutoCloseable {
  public static final int DEFAULT_BATCH_SIZE = 500;
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);
  public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofSeconds(1);
  public static final int PUBLISH_WINDOW = 256;
  public static final Duration SENT_RETENTION = Duration.ofHours(1);

  /**
   * How old an unsent row must be before the relay takes it, on PostgreSQL. Younger rows are
   * normally being published by the pipeline that committed them, possibly in another instance on
   * the same database, whose claims this relay cannot see.
   */
  public static final Duration DEFAULT_SWEEP_AGE = Duration.ofSeconds(5);

  static final Duration CLEANUP_INTERVAL = Duration.ofMinutes(5);
  static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

  private enum Pause {
    /** A full batch went out: more rows are probably waiting. */
    NONE,
    /** Caught up: wait for the poll interval or a wake-up. */
    POLL,
    /** Something failed: wait for the back-off, whatever wakes up. */
    BACKOFF
  }

  private final Database database;
  private final String name;
  private final int batchSize;
  private final Duration pollInterval;
  private final Duration retryBackoff;
  private final Duration sweepAge;
  private final OutboxClaims claims;
  private volatile boolean sweepingEverything;

  private final Semaphore wakeUps = new Semaphore(0);
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final RelayProgress progress = new RelayProgress();
  private final AtomicLong unroutable = new AtomicLong();
  private final AtomicLong markFailures = new AtomicLong();

  /** Rows the broker confirmed whose mark failed: marked before anything is published again. */
  private List<Long> unmarked = List.of();

  /** Set at the first failure to open a channel, so the retries after it log nothing. */
  private boolean brokerUnreachable;

  private final RelayChannel channel;
  private volatile long backlog;
  private Thread thread;
  private long nextCleanupNanos = System.nanoTime();

  /**
   * @param connection the broker connection to open the relay's channel on
   * @param name thread name prefix, e.g. {@code inventory}
   */
  public OutboxRelay(
      Database database,
      com.rabbitmq.client.Connection connection,
      String name,
      OutboxClaims claims) {
    this(
        database,
        connection,
        name,
        DEFAULT_BATCH_SIZE,
        DEFAULT_POLL_INTERVAL,
        DEFAULT_RETRY_BACKOFF,
        sweepAgeFor(database),
        claims);
  }

  /**
   * A SQLite file has one instance, whose pipeline claims its rows before they commit: the relay
   * may take any unclaimed row at once (rows of the order API, say). On PostgreSQL other instances'
   * pipelines publish their own rows, with claims this relay cannot see.
   */
  static Duration sweepAgeFor(Database database) {
    return database.dialect() == Dialect.SQLITE ? Duration.ZERO : DEFAULT_SWEEP_AGE;
  }

  OutboxRelay(
      Database database,
      com.rabbitmq.client.Connection connection,
      String name,
      int batchSize,
      Duration pollInterval,
      Duration retryBackoff) {
    this(
        database,
        connection,
        name,
        batchSize,
        pollInterval,
        retryBackoff,
        Duration.ZERO,
        new OutboxClaims());
  }

  OutboxRelay(
      Database database,
      com.rabbitmq.client.Connection connection,
      String name,
      int batchSize,
      Duration pollInterval,
      Duration retryBackoff,
      Duration sweepAge,
      OutboxClaims claims) {
    this.sweepAge = Objects.requireNonNull(sweepAge, "sweepAge");
    this.claims = Objects.requireNonNull(claims, "claims");
    this.database = Objects.requireNonNull(database, "database");
    this.name = Objects.requireNonNull(name, "name");
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batchSize must be positive");
    }
    this.batchSize = batchSize;
    this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
    this.retryBackoff = Objects.requireNonNull(retryBackoff, "retryBackoff");
    this.channel =
        new RelayChannel(Objects.requireNonNull(connection, "connection"), PUBLISH_WINDOW);
  }

  /** Starts the relay thread. */
  public synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("outbox relay " + name + " already started");
    }
    thread = new Thread(this::run, name + "-outbox-relay");
    thread.setDaemon(true);
    thread.start();
  }

  /** Tells the relay new rows were committed, so it does not wait for the next poll. */
  public void wakeUp() {
    wakeUps.release();
  }

  /**
   * Publishes until no unsent row remains or {@code timeout} passes; true if the backlog is empty.
   * Rows committed before this call are covered, whatever their age: call it once the pipeline has
   * stopped. The relay must be started.
   */
  public boolean flush(Duration timeout) throws InterruptedException {
    sweepingEverything = true;
    synchronized (this) {
      if (thread == null || !thread.isAlive()) {
        throw new IllegalStateException("outbox relay " + name + " is not running");
      }
    }
    return progress.awaitEmpty(timeout.toNanos(), pollInterval.toNanos(), this::wakeUp);
  }

  /** Rows committed but not yet confirmed by the broker, as of the last cycle (a metrics gauge). */
  public long backlog() {
    return backlog;
  }

  /** Rows the broker returned as unroutable (no queue bound) and that were marked sent. */
  public long markFailures() {
    return markFailures.get();
  }

  public long unroutable() {
    return unroutable.get();
  }

  /**
   * Stops the thread and closes the channel; unsent rows stay for the next start. The batch in
   * progress is given {@link #CLOSE_GRACE} to finish before the thread is interrupted.
   */
  @Override
  public void close() {
    Thread running;
    synchronized (this) {
      running = thread;
    }
    stopping.countDown();
    wakeUps.release();
    if (running == null) {
      return;
    }
    try {
      running.join(CLOSE_GRACE.toMillis());
      if (running.isAlive()) {
        running.interrupt();
        running.join(CLOSE_GRACE.toMillis());
      }
    } catch (InterruptedException e) {
      running.interrupt();
      Thread.currentThread().interrupt();
    }
    if (running.isAlive()) {
      log.warn("outbox relay {} did not stop within {}", name, CLOSE_GRACE.multipliedBy(2));
    }
  }

  private boolean stopped() {
    return stopping.getCount() == 0;
  }

  private void run() {
    log.info("outbox relay {} started on {}", name, database.describe());
    try {
      while (!stopped()) {
        // After a failure wake-ups do not cut the back-off short: only a stop does.
        switch (cycleAndChoosePause()) {
          case NONE -> {}
          case POLL -> wakeUps.tryAcquire(pollInterval.toNanos(), TimeUnit.NANOSECONDS);
          case BACKOFF -> stopping.await(retryBackoff.toNanos(), TimeUnit.NANOSECONDS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      channel.close();
      log.info("outbox relay {} stopped with {} rows unsent", name, backlog);
    }
  }

  private Pause cycleAndChoosePause() throws InterruptedException {
    try {
      BatchPublisher.Outcome outcome = cycle();
      if (brokerUnreachable && outcome != BatchPublisher.Outcome.EMPTY) {
        brokerUnreachable = false;
        log.info("outbox relay {}: publishing again", name);
      }
      if (outcome.channelFailure() != null) {
        log.warn(
            "outbox relay {}: channel failed ({}); reopening in {}",
            name,
            outcome.channelFailure().toString(),
            retryBackoff);
        channel.close();
        return Pause.BACKOFF;
      }
      if (outcome.failed() > 0) {
        log.warn(
            "outbox relay {}: {} events nacked or unconfirmed; retrying in {}",
            name,
            outcome.failed(),
            retryBackoff);
        return Pause.BACKOFF;
      }
      return outcome.settled().size() == batchSize ? Pause.NONE : Pause.POLL;
    } catch (IOException | ShutdownSignalException e) {
      // The connection's own log says it is lost and when it is back: one line here, not one
      // per retry.
      if (!brokerUnreachable) {
        brokerUnreachable = true;
        log.warn(
            "outbox relay {}: cannot open a channel ({}); retrying every {}",
            name,
            LogSafe.escape(e.toString()),
            retryBackoff);
      } else {
        log.debug("outbox relay {}: still cannot open a channel: {}", name, e.toString());
      }
      channel.close();
      return Pause.BACKOFF;
    } catch (SQLException e) {
      if (unmarked.isEmpty()) {
        log.warn("outbox relay {}: database error ({}); retrying in {}", name, e, retryBackoff);
      }
      return Pause.BACKOFF;
    } catch (RuntimeException e) {
      log.error("outbox relay {}: unexpected failure; retrying in {}", name, retryBackoff, e);
      channel.close();
      return Pause.BACKOFF;
    }
  }

  private BatchPublisher.Outcome cycle() throws SQLException, IOException, InterruptedException {
    progress.cycleStarted();
    wakeUps.drainPermits();
    markWhatWasLeftUnmarked();
    BatchPublisher.Outcome outcome =
        database.dialect() == Dialect.POSTGRESQL ? relayHoldingLocks() : relayInShortTransactions();
    unroutable.addAndGet(outcome.returned());
    progress.cycleCompleted(backlog);
    deleteOldSentRows();
    return outcome;
  }

  private BatchPublisher.Outcome relayHoldingLocks()
      throws SQLException, IOException, InterruptedException {
    try (Connection db = database.open()) {
      // It waits for confirms between reading and marking, holding its rows (which other relays
      // skip): longer than a batch transaction may sit idle.
      OutboxRows.allowRelayIdle(db);
      List<OutboxRow> rows = readBatch(db, true);
      BatchPublisher.Outcome outcome = publish(rows);
      markSent(db, outcome);
      return outcome;
    }
  }

  private BatchPublisher.Outcome relayInShortTransactions()
      throws SQLException, IOException, InterruptedException {
    List<OutboxRow> rows;
    // A reader needs no write turn (WAL lets it in beside the writer), so the relay does not queue
    // behind the consumer's batches twice per cycle, only to mark.
    try (Connection db = database.openReadOnly()) {
      rows = readBatch(db, false);
    }
    BatchPublisher.Outcome outcome = publish(rows);
    if (!outcome.settled().isEmpty()) {
      try (Connection db = database.open()) {
        markSent(db, outcome);
      }
    }
    return outcome;
  }

  private List<OutboxRow> readBatch(Connection db, boolean lock) throws SQLException {
    // Counted before publishing too, so the gauge stays current while the broker is away.
    backlog = Outbox.backlog(db);
    long createdBefore =
        sweepingEverything ? Long.MAX_VALUE : System.currentTimeMillis() + 1 - sweepAge.toMillis();
    List<OutboxRow> rows = OutboxRows.unsent(db, batchSize, createdBefore, lock);
    return rows.stream().filter(row -> !claims.isClaimed(row.id())).toList();
  }

  private BatchPublisher.Outcome publish(List<OutboxRow> rows)
      throws IOException, InterruptedException {
    return rows.isEmpty() ? BatchPublisher.Outcome.EMPTY : channel.publisher().publish(rows);
  }

  private void markSent(Connection db, BatchPublisher.Outcome outcome) throws SQLException {
    try {
      OutboxRows.markSent(db, outcome.settled(), System.currentTimeMillis());
      long remaining = Outbox.backlog(db);
      db.commit();
      backlog = remaining;
    } catch (SQLException e) {
      // Published but not marked (a full disk, a lost database): publishing the same rows again
      // each cycle would pump duplicates into the consumers, so nothing goes out until they are.
      unmarked = List.copyOf(outcome.settled());
      markFailures.incrementAndGet();
      log.warn(
          "outbox relay {}: cannot mark {} published rows sent ({}); publishing nothing until"
              + " they are",
          name,
          unmarked.size(),
          e.toString());
      throw e;
    }
  }

  private void markWhatWasLeftUnmarked() throws SQLException {
    if (unmarked.isEmpty()) {
      return;
    }
    try (Connection db = database.open()) {
      OutboxRows.markSent(db, unmarked, System.currentTimeMillis());
      db.commit();
    } catch (SQLException e) {
      markFailures.incrementAndGet();
      log.debug("outbox relay {}: still cannot mark {} rows sent: {}", name, unmarked.size(), e);
      throw e;
    }
    log.info(
        "outbox relay {}: marked the {} rows left unmarked; publishing again",
        name,
        unmarked.size());
    unmarked = List.of();
  }

  private void deleteOldSentRows() throws SQLException {
    if (System.nanoTime() - nextCleanupNanos < 0) {
      return;
    }
    nextCleanupNanos = System.nanoTime() + CLEANUP_INTERVAL.toNanos();
    try (Connection db = database.open()) {
      int deleted =
          OutboxRows.deleteSentBefore(db, System.currentTimeMillis() - SENT_RETENTION.toMillis());
      db.commit();
      if (deleted > 0) {
        log.debug(
            "outbox relay {}: deleted {} rows sent over {} ago", name, deleted, SENT_RETENTION);
      }
    }
  }
}
