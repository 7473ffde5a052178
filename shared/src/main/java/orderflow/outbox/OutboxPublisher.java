package orderflow.outbox;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import orderflow.config.LogSafe;
import orderflow.publish.PublishSpans;
import orderflow.store.Database;
import orderflow.store.Dialect;
import orderflow.store.Outbox;
import orderflow.store.OutboxEntry;
import orderflow.store.OutboxRows;
import orderflow.trace.Tracing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's one publisher of outbox rows (docs/architecture.md, section 5.3). Whoever commits
 * rows hands them over ({@link #submit}); this thread alone publishes them with confirms and marks
 * them sent in its own transaction, which does not wait for the disk (a lost mark only sends the
 * row again). Hand-offs are published as they come, without waiting for the answers to earlier
 * ones; answered batches are settled (marked) in order. At start, when idle, after a failure and
 * when a hand-off found no room, it reads the rows left unsent instead (a sweep).
 *
 * <p>Invariant: a row is published only while this publisher holds it, from reading it unsent to
 * committing its mark: on PostgreSQL by a row lock ({@code FOR UPDATE SKIP LOCKED}) in a
 * transaction per batch, so instances sharing a database skip each other's rows; on SQLite, one
 * process per file, by being this one thread, which sweeps only when nothing it published is left
 * unsettled or unmarked. So a row marked sent is never published again, and two publishers never
 * publish one row at once. A crash between publish and mark publishes the row again later, with the
 * same event id, for the consumers' inboxes to absorb. On SQLite confirmed rows are marked
 * together, at most {@link #MARK_DELAY} after their confirm, and before any sweep: one write turn
 * for many batches. No timing is a condition of correctness: {@link #IDLE_SWEEP} only decides how
 * soon leftovers go, {@link #MARK_DELAY} how many rows a crash sends again.
 *
 * <p>This class is thread-safe.
 */
public final class OutboxPublisher implements AutoCloseable {
  static final int MAX_BATCH = 1_000;
  static final Duration IDLE_SWEEP = Duration.ofSeconds(1);
  static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);
  static final Duration BACKLOG_COUNT_INTERVAL = Duration.ofSeconds(1);

  /**
   * SQLite: the longest a confirmed row waits to be marked sent with the ones confirmed after it.
   */
  static final Duration MARK_DELAY = Duration.ofMillis(50);

  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);

  /** Hand-offs waiting: beyond this the rows wait in the table for a sweep. */
  private static final int HANDOFF_BATCHES = 64;

  /** Batches published and not yet settled, beyond which the oldest is waited for. */
  private static final int SQLITE_IN_FLIGHT = 8;

  /**
   * PostgreSQL: each batch in flight holds a pooled connection (its transaction keeps the rows
   * locked), so fewer.
   */
  private static final int POSTGRESQL_IN_FLIGHT = 2;

  /** Hand-offs that carry no rows, told apart by identity. */
  private static final List<OutboxEntry> WAKE_UP = Collections.unmodifiableList(new ArrayList<>());

  private static final List<OutboxEntry> ANSWERED = Collections.unmodifiableList(new ArrayList<>());
  private static final Logger log = LoggerFactory.getLogger(OutboxPublisher.class);

  private final Database database;
  private final String name;
  private final boolean lockRows;
  private final PublisherChannel channel;
  private final BlockingQueue<List<OutboxEntry>> handed = new ArrayBlockingQueue<>(HANDOFF_BATCHES);
  private final Thread thread;
  private final int maxInFlight;

  /** Batches published, oldest first, whose answers are not yet settled; publisher thread only. */
  private final Deque<InFlight> inFlight = new ArrayDeque<>();

  /** A batch published; on PostgreSQL with the transaction that holds its rows. */
  private record InFlight(BatchPublisher.Sending sending, Connection holder) {}

  /** SQLite: the highest row id a sweep has read; rows above it were never published. */
  private long sweptThrough;

  private final AtomicBoolean answerWaiting = new AtomicBoolean();
  private final AtomicLong unroutable = new AtomicLong();
  private final AtomicLong markFailures = new AtomicLong();
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile boolean sweepNeeded = true;
  private volatile boolean stopping;
  private volatile long drainDeadlineNanos;
  private volatile long backlog;
  private long nextBacklogCount = System.nanoTime();

  /** Rows the broker confirmed whose mark failed: marked before anything else is published. */
  private List<Long> unmarked = List.of();

  /** SQLite: rows the broker confirmed, to be marked by {@link #marksDueNanos}; thread only. */
  private final List<Long> confirmedUnmarked = new ArrayList<>();

  private long marksDueNanos;

  private boolean failing;
  private Connection reader;

  /**
   * @param connection the broker connection to open the publisher's channel on
   * @param name thread name prefix, e.g. {@code inventory}
   */
  public OutboxPublisher(
      Database database, com.rabbitmq.client.Connection connection, String name) {
    this(database, connection, name, Tracing.OFF);
  }

  /**
   * @param tracing makes a PRODUCER span per row, parented on the trace context stored with it
   */
  public OutboxPublisher(
      Database database, com.rabbitmq.client.Connection connection, String name, Tracing tracing) {
    this.database = database;
    this.name = name;
    this.lockRows = database.dialect() == Dialect.POSTGRESQL;
    this.maxInFlight = lockRows ? POSTGRESQL_IN_FLIGHT : SQLITE_IN_FLIGHT;
    this.channel = new PublisherChannel(connection, MAX_BATCH, new PublishSpans(tracing));
    this.thread = new Thread(this::run, name + "-outbox-publisher");
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /**
   * Hands over rows whose transaction committed; never blocks. Without room the rows stay in the
   * table, where the next sweep finds them.
   */
  public void submit(List<OutboxEntry> committed) {
    if (!committed.isEmpty() && !handed.offer(List.copyOf(committed))) {
      sweepNeeded = true;
    }
  }

  /** Rows were committed outside any hand-off: look for them now. */
  public void wakeUp() {
    sweepNeeded = true;
    handed.offer(WAKE_UP);
  }

  /** False once the publishing thread has ended, for whatever reason: readiness turns down. */
  public boolean running() {
    return thread.isAlive() && !stopping;
  }

  /** Unsent rows, counted at most once a second (a metrics gauge). */
  public long backlog() {
    return backlog;
  }

  public long unroutable() {
    return unroutable.get();
  }

  /** Times published rows could not be marked sent: nothing more goes out until they are. */
  public long markFailures() {
    return markFailures.get();
  }

  /** Cycles that failed (broker, channel, database) and were retried after a back-off. */
  public long failures() {
    return failures.get();
  }

  /** Rows published and marked sent since start. */
  public long published() {
    return published.get();
  }

  /**
   * Publishes what was handed over and every row left unsent, then stops; rows still unsent after
   * {@code timeout} stay for the next start.
   *
   * @return true if nothing was left unsent
   */
  public boolean drainAndClose(Duration timeout) throws InterruptedException {
    drainDeadlineNanos = System.nanoTime() + timeout.toNanos();
    stopping = true;
    handed.offer(WAKE_UP);
    thread.join(timeout.plus(RETRY_BACKOFF).toMillis());
    if (thread.isAlive()) {
      thread.interrupt();
      thread.join(RETRY_BACKOFF.toMillis());
    }
    return backlog == 0;
  }

  @Override
  public void close() throws InterruptedException {
    if (!drainAndClose(DEFAULT_DRAIN_TIMEOUT)) {
      log.warn(
          "outbox of {}: {} rows unsent at shutdown; they go at the next start", name, backlog);
    }
  }

  private void run() {
    log.info("outbox publisher {} started on {}", name, database.describe());
    try {
      while (!(stopping && System.nanoTime() - drainDeadlineNanos > 0)) {
        try {
          if (!cycle()) {
            return;
          }
          recovered();
        } catch (IOException | SQLException | RuntimeException e) {
          failed(e);
          sweepNeeded = true;
          if (stopping) {
            return;
          }
          TimeUnit.NANOSECONDS.sleep(RETRY_BACKOFF.toNanos());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      abandonInFlight();
      try {
        markConfirmed(); // else they are published again at the next start
      } catch (SQLException | RuntimeException e) {
        log.debug("marking confirmed rows at stop: {}", e.toString());
      }
      channel.close();
      nextBacklogCount = System.nanoTime();
      try {
        countBacklogIfDue();
      } catch (SQLException | RuntimeException e) {
        log.debug("counting the outbox backlog at stop: {}", e.toString());
      }
      closeReader();
      log.info("outbox publisher {} stopped with {} rows unsent", name, backlog);
    }
  }

  /**
   * One step: marks what is left unmarked, then sweeps, or publishes what was handed over and
   * settles the batches the broker has answered.
   *
   * @return false when stopping and nothing is left to publish
   */
  private boolean cycle() throws IOException, SQLException, InterruptedException {
    markLeftovers();
    countBacklogIfDue();
    if (sweepNeeded) {
      settle(true);
      sweepNeeded = false;
      sweepNeeded = sweep() == MAX_BATCH;
      return true;
    }
    List<OutboxEntry> handedOver = nextHandOff();
    if (handedOver == null) {
      if (!confirmedUnmarked.isEmpty()) {
        markConfirmed();
        return true;
      }
      if (!inFlight.isEmpty()) {
        settle(true);
        return true;
      }
      if (stopping) {
        return sweep() > 0;
      }
      sweepNeeded = true;
      return true;
    }
    if (!handedOver.isEmpty()) {
      Connection holder = lockRows ? holder() : null;
      send(holdUnsent(holder, handedOver), holder);
    }
    settle(false);
    return true;
  }

  /**
   * The waiting hand-offs, up to about {@link #MAX_BATCH} rows; empty when woken up or told of
   * answers; null when nothing came within {@link #IDLE_SWEEP}, or before confirmed rows are due to
   * be marked.
   */
  private List<OutboxEntry> nextHandOff() throws InterruptedException {
    long wait =
        confirmedUnmarked.isEmpty()
            ? IDLE_SWEEP.toNanos()
            : Math.max(0, marksDueNanos - System.nanoTime());
    List<OutboxEntry> next = stopping ? handed.poll() : handed.poll(wait, TimeUnit.NANOSECONDS);
    if (next == null) {
      return null;
    }
    List<OutboxEntry> batch = new ArrayList<>();
    do {
      if (next == WAKE_UP) {
        sweepNeeded = true;
      } else if (next == ANSWERED) {
        answerWaiting.set(false);
      } else {
        batch.addAll(next);
      }
    } while (batch.size() < MAX_BATCH && (next = handed.poll()) != null);
    return batch;
  }

  /** Publishes up to {@link #MAX_BATCH} unsent rows of the table and settles them. */
  private int sweep() throws IOException, SQLException, InterruptedException {
    Connection holder = lockRows ? holder() : null;
    List<OutboxEntry> rows;
    try {
      rows = OutboxRows.unsent(lockRows ? holder : reader(), MAX_BATCH, lockRows);
    } catch (SQLException | RuntimeException e) {
      closeQuietly(holder);
      throw e;
    }
    if (!rows.isEmpty()) {
      sweptThrough = Math.max(sweptThrough, rows.get(rows.size() - 1).id());
    }
    send(rows, holder);
    settle(true);
    return rows.size();
  }

  /** PostgreSQL: a transaction of its own, in which the rows read stay locked until marked. */
  private Connection holder() throws SQLException {
    Connection holder = database.openUnsynced();
    try {
      OutboxRows.allowPublisherIdle(holder);
      return holder;
    } catch (SQLException | RuntimeException e) {
      closeQuietly(holder);
      throw e;
    }
  }

  /**
   * The handed-over rows no one has sent: on PostgreSQL locked in {@code holder}; on SQLite only
   * rows a sweep may have read are looked up, since this thread alone publishes and marks them.
   */
  private List<OutboxEntry> holdUnsent(Connection holder, List<OutboxEntry> handedOver)
      throws SQLException {
    List<Long> ids = new ArrayList<>(handedOver.size());
    for (OutboxEntry entry : handedOver) {
      if (lockRows || entry.id() <= sweptThrough) {
        ids.add(entry.id());
      }
    }
    if (ids.isEmpty()) {
      return handedOver;
    }
    Set<Long> unsent;
    try {
      unsent = OutboxRows.stillUnsent(lockRows ? holder : reader(), ids, lockRows);
    } catch (SQLException | RuntimeException e) {
      closeQuietly(holder);
      throw e;
    }
    return handedOver.stream()
        .filter(entry -> unsent.contains(entry.id()) || !(lockRows || entry.id() <= sweptThrough))
        .toList();
  }

  /** Publishes {@code rows} held in {@code holder} (null on SQLite) without waiting for answers. */
  private void send(List<OutboxEntry> rows, Connection holder)
      throws IOException, InterruptedException {
    if (rows.isEmpty()) {
      closeQuietly(holder);
      return;
    }
    BatchPublisher.Sending sending;
    try {
      sending = channel.publisher().send(rows);
    } catch (IOException | RuntimeException e) {
      closeQuietly(holder);
      throw e;
    }
    inFlight.add(new InFlight(sending, holder));
    sending.answered().thenRun(this::answered);
  }

  /**
   * Settles the oldest batches in flight, marking their confirmed rows sent: every batch when
   * {@code all}, otherwise those the broker has answered and as many more as leave room for the
   * next batch within {@link #maxInFlight}. On SQLite their confirmed rows join those waiting to be
   * marked, which one transaction marks when {@code all}, when stopping, or when due.
   */
  private void settle(boolean all) throws IOException, SQLException, InterruptedException {
    List<Long> confirmed = new ArrayList<>();
    IOException incomplete = null;
    InFlight head;
    while ((head = inFlight.peek()) != null
        && (all || inFlight.size() >= maxInFlight || head.sending().answered().isDone())) {
      inFlight.poll();
      BatchPublisher.Outcome outcome;
      try {
        outcome = head.sending().settle();
      } catch (InterruptedException e) {
        closeQuietly(head.holder());
        throw e;
      }
      unroutable.addAndGet(outcome.returned());
      if (head.holder() != null) {
        try (Connection holder = head.holder()) {
          mark(holder, outcome.settled());
        }
      } else {
        confirmed.addAll(outcome.settled());
      }
      if (incomplete == null) {
        incomplete = incompleteness(outcome);
      }
    }
    if (!confirmed.isEmpty()) {
      if (confirmedUnmarked.isEmpty()) {
        marksDueNanos = System.nanoTime() + MARK_DELAY.toNanos();
      }
      confirmedUnmarked.addAll(confirmed);
    }
    if (all
        || stopping
        || incomplete != null
        || confirmedUnmarked.size() >= MAX_BATCH
        || System.nanoTime() - marksDueNanos >= 0) {
      markConfirmed();
    }
    if (incomplete != null) {
      throw incomplete;
    }
  }

  /** Rows not confirmed go again after a back-off: the failure that says so, or null. */
  private static IOException incompleteness(BatchPublisher.Outcome outcome) {
    if (outcome.channelFailure() != null) {
      return new IOException(
          "channel failed: " + outcome.channelFailure(), outcome.channelFailure());
    }
    if (outcome.failed() > 0) {
      return new IOException(outcome.failed() + " events nacked or unconfirmed");
    }
    return null;
  }

  /** Wakes the thread to settle answered batches, with at most one such hand-off waiting. */
  private void answered() {
    if (answerWaiting.compareAndSet(false, true) && !handed.offer(ANSWERED)) {
      answerWaiting.set(false);
    }
  }

  /** After a failure: batches in flight are given up; their rows go again with the next sweep. */
  private void abandonInFlight() {
    InFlight batch;
    while ((batch = inFlight.poll()) != null) {
      closeQuietly(batch.holder());
    }
  }

  private static void closeQuietly(Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException e) {
      log.debug("closing an outbox connection: {}", e.toString());
    }
  }

  /** SQLite: marks every confirmed row waiting, in one transaction. */
  private void markConfirmed() throws SQLException {
    if (confirmedUnmarked.isEmpty()) {
      return;
    }
    List<Long> ids = List.copyOf(confirmedUnmarked);
    confirmedUnmarked.clear();
    try (Connection db = database.openUnsynced()) {
      mark(db, ids);
    }
  }

  /** Commits the marks of {@code ids} in {@code db}'s transaction, or keeps them for later. */
  private void mark(Connection db, List<Long> ids) throws SQLException {
    try {
      OutboxRows.markSent(db, ids, System.currentTimeMillis());
      db.commit();
      published.addAndGet(ids.size());
    } catch (SQLException e) {
      // Publishing more while these stay unsent would send them again at every sweep.
      unmarked = List.copyOf(ids);
      markFailures.incrementAndGet();
      throw e;
    }
  }

  private void markLeftovers() throws SQLException {
    if (unmarked.isEmpty()) {
      return;
    }
    List<Long> ids = unmarked;
    unmarked = List.of();
    try (Connection db = database.openUnsynced()) {
      mark(db, ids);
    }
    log.info("outbox publisher {}: marked the {} rows left unmarked", name, ids.size());
  }

  private void countBacklogIfDue() throws SQLException {
    if (System.nanoTime() - nextBacklogCount < 0) {
      return;
    }
    nextBacklogCount = System.nanoTime() + BACKLOG_COUNT_INTERVAL.toNanos();
    if (lockRows) {
      try (Connection db = database.open()) {
        backlog = Outbox.backlog(db);
      }
    } else {
      backlog = Outbox.backlog(reader());
    }
  }

  /** SQLite: one read-only connection kept open; reads never queue for the write turn. */
  private Connection reader() throws SQLException {
    if (reader == null || reader.isClosed()) {
      reader = database.openReadOnly();
    }
    return reader;
  }

  private void closeReader() {
    if (reader != null) {
      try {
        reader.close();
      } catch (SQLException e) {
        log.debug("closing the outbox reader: {}", e.toString());
      }
      reader = null;
    }
  }

  private void failed(Exception e) {
    failures.incrementAndGet();
    abandonInFlight();
    closeReader();
    channel.close();
    if (!failing) {
      failing = true;
      log.warn(
          "outbox publisher {}: {}; retrying every {}",
          name,
          LogSafe.escape(e.toString()),
          RETRY_BACKOFF);
    } else {
      log.debug("outbox publisher {}: still failing: {}", name, e.toString());
    }
  }

  private void recovered() {
    if (failing) {
      failing = false;
      log.info("outbox publisher {}: publishing again", name);
    }
  }
}
