package orderflow.outbox;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import io.opentelemetry.api.trace.Span;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import orderflow.broker.FailureLine;
import orderflow.publish.ConfirmingPublisher;
import orderflow.publish.PublishOutcome;
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
 * The process's one publisher of outbox rows (docs/architecture.md section 5.3). Whoever commits
 * rows hands them over ({@link #submit}), which wakes this thread at once; it publishes them on a
 * confirming channel without waiting for the answers to earlier batches, and marks answered batches
 * sent in order, in a transaction that does not wait for the disk (a lost mark only sends a row
 * again). At start, when nothing was handed over for {@link #IDLE_SWEEP}, after a failure and when
 * a hand-off found no room, it reads the rows left unsent instead (a sweep).
 *
 * <p>Invariant: a row is published only while this publisher holds it, from reading it unsent to
 * committing its mark. On PostgreSQL each batch's transaction keeps its rows locked ({@code FOR
 * UPDATE SKIP LOCKED}) until their mark commits, so instances sharing a database skip each other's
 * rows. On SQLite (one process per file) this thread alone publishes and marks, and sweeps only
 * once everything it published is settled and marked. So a row marked sent is never published
 * again, and two publishers never publish one row at once. Rows nacked, unanswered or not published
 * because the channel failed stay unsent and go again after {@link #RETRY_BACKOFF}; a crash between
 * publish and mark sends a row again with the same event id, for the next inbox to absorb.
 * Confirmed rows whose mark failed are marked before anything else is published. A returned
 * (unroutable) row is marked sent and counted. On SQLite confirmed rows wait up to {@link
 * #MARK_DELAY} to be marked together: one write for many batches. No timing is a condition of
 * correctness.
 *
 * <p>This class is thread-safe.
 */
public final class OutboxPublisher implements AutoCloseable {
  static final int MAX_BATCH = 1_000;
  static final Duration IDLE_SWEEP = Duration.ofSeconds(1);
  static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);
  static final Duration MARK_DELAY = Duration.ofMillis(50);
  static final Duration BACKLOG_COUNT_INTERVAL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration CONFIRM_TIMEOUT = ConfirmingPublisher.DEFAULT_CONFIRM_TIMEOUT;

  /** Hand-offs waiting; beyond this the rows wait in the table for a sweep. */
  private static final int HANDOFF_BATCHES = 64;

  /**
   * Batches published and not settled, beyond which the oldest is waited for. On PostgreSQL each
   * holds a pooled connection, so fewer.
   */
  private static final int SQLITE_IN_FLIGHT = 8;

  private static final int POSTGRESQL_IN_FLIGHT = 2;

  /** Hand-offs that carry no rows, told apart by identity. */
  private static final List<OutboxEntry> WAKE_UP = Collections.unmodifiableList(new ArrayList<>());

  private static final List<OutboxEntry> ANSWERED = Collections.unmodifiableList(new ArrayList<>());
  private static final Logger log = LoggerFactory.getLogger(OutboxPublisher.class);

  private final Database database;
  private final com.rabbitmq.client.Connection connection;
  private final String name;
  private final boolean lockRows;
  private final int maxInFlight;
  private final PublishSpans spans;
  private final BlockingQueue<List<OutboxEntry>> handed = new ArrayBlockingQueue<>(HANDOFF_BATCHES);
  private final Thread thread;
  private final AtomicBoolean answerWaiting = new AtomicBoolean();
  private final AtomicLong unroutable = new AtomicLong();
  private final AtomicLong markFailures = new AtomicLong();
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile boolean sweepNeeded = true;
  private volatile boolean stopping;
  private volatile long drainDeadlineNanos;
  private volatile long backlog;

  // Publisher thread only.
  private final Deque<Batch> inFlight = new ArrayDeque<>();
  private final List<Long> toMark = new ArrayList<>();
  private long marksDueNanos;
  private boolean markFailed;
  private long sweptThrough; // SQLite: rows above it were never read by a sweep
  private long nextBacklogCount = System.nanoTime();
  private ConfirmingPublisher channel;
  private Connection reader;
  private boolean failing;

  public OutboxPublisher(
      Database database, com.rabbitmq.client.Connection connection, String name) {
    this(database, connection, name, Tracing.OFF);
  }

  /**
   * @param connection the broker connection to open the publisher's channel on
   * @param name thread name prefix, e.g. {@code inventory}
   * @param tracing makes a PRODUCER span per row, parented on the trace context stored with it
   */
  public OutboxPublisher(
      Database database, com.rabbitmq.client.Connection connection, String name, Tracing tracing) {
    this.database = database;
    this.connection = connection;
    this.name = name;
    this.lockRows = database.dialect() == Dialect.POSTGRESQL;
    this.maxInFlight = lockRows ? POSTGRESQL_IN_FLIGHT : SQLITE_IN_FLIGHT;
    this.spans = new PublishSpans(tracing);
    this.thread = new Thread(this::run, name + "-outbox-publisher");
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /** Hands over rows whose transaction committed; never blocks. Without room a sweep finds them. */
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
          if (failing) {
            failing = false;
            log.info("outbox publisher {}: publishing again", name);
          }
        } catch (IOException | SQLException | RuntimeException e) {
          failed(e);
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
        nextBacklogCount = System.nanoTime();
        countBacklogIfDue();
      } catch (SQLException | RuntimeException e) {
        log.debug("outbox publisher {} at stop: {}", name, e.toString());
      }
      closeChannel();
      closeReader();
      log.info("outbox publisher {} stopped with {} rows unsent", name, backlog);
    }
  }

  /**
   * One step: a sweep, or what was handed over published and the answered batches settled.
   *
   * @return false when stopping and nothing is left to publish
   */
  private boolean cycle() throws IOException, SQLException, InterruptedException {
    if (markFailed) {
      markConfirmed();
    }
    countBacklogIfDue();
    if (channel == null) {
      channel(); // opened before the first hand-off, so its first publish pays no round trips
    }
    if (sweepNeeded) {
      sweepNeeded = false;
      sweepNeeded = sweep() == MAX_BATCH;
      return true;
    }
    List<OutboxEntry> rows = nextHandOff();
    if (rows == null) {
      if (!toMark.isEmpty()) {
        markConfirmed();
      } else if (!inFlight.isEmpty()) {
        settle(true);
      } else if (stopping) {
        return sweep() > 0;
      } else {
        sweepNeeded = true;
      }
      return true;
    }
    if (!rows.isEmpty()) {
      Connection holder = lockRows ? holder() : null;
      send(holdUnsent(holder, rows), holder);
    }
    settle(false);
    return true;
  }

  /**
   * The waiting hand-offs, up to about {@link #MAX_BATCH} rows, as soon as one comes; empty when
   * woken up or told of answers; null when nothing came within {@link #IDLE_SWEEP}, or by the time
   * confirmed rows are due to be marked.
   */
  private List<OutboxEntry> nextHandOff() throws InterruptedException {
    long wait =
        toMark.isEmpty() ? IDLE_SWEEP.toNanos() : Math.max(0, marksDueNanos - System.nanoTime());
    List<OutboxEntry> next = stopping ? handed.poll() : handed.poll(wait, TimeUnit.NANOSECONDS);
    if (next == null) {
      return null;
    }
    List<OutboxEntry> rows = new ArrayList<>();
    do {
      if (next == WAKE_UP) {
        sweepNeeded = true;
      } else if (next == ANSWERED) {
        answerWaiting.set(false);
      } else {
        rows.addAll(next);
      }
    } while (rows.size() < MAX_BATCH && (next = handed.poll()) != null);
    return rows;
  }

  /** Settles everything in flight, then publishes up to {@link #MAX_BATCH} unsent rows. */
  private int sweep() throws IOException, SQLException, InterruptedException {
    settle(true);
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
   * The handed-over rows still unsent: on PostgreSQL locked in {@code holder}; on SQLite only rows
   * a sweep may have read are looked up, since this thread alone publishes and marks.
   */
  private List<OutboxEntry> holdUnsent(Connection holder, List<OutboxEntry> rows)
      throws SQLException {
    List<Long> ids =
        rows.stream().map(OutboxEntry::id).filter(id -> lockRows || id <= sweptThrough).toList();
    if (ids.isEmpty()) {
      return rows;
    }
    Set<Long> unsent;
    try {
      unsent = OutboxRows.stillUnsent(lockRows ? holder : reader(), ids, lockRows);
    } catch (SQLException | RuntimeException e) {
      closeQuietly(holder);
      throw e;
    }
    return rows.stream()
        .filter(row -> unsent.contains(row.id()) || !(lockRows || row.id() <= sweptThrough))
        .toList();
  }

  /** One row handed to the channel, with its PRODUCER span and the broker's answer to come. */
  private record Sent(OutboxEntry row, Span span, CompletableFuture<PublishOutcome> answer) {}

  /** A batch published; on PostgreSQL with the transaction that holds its rows. */
  private record Batch(
      List<Sent> sent,
      int notSent,
      Exception channelFailure,
      ConfirmingPublisher on,
      Connection holder,
      long deadlineNanos,
      CompletableFuture<Void> answered) {}

  /**
   * Publishes {@code rows} without waiting for answers; a channel failure stops at the row that met
   * it, and the rows before it are still settled.
   */
  private void send(List<OutboxEntry> rows, Connection holder)
      throws IOException, InterruptedException {
    if (rows.isEmpty()) {
      closeQuietly(holder);
      return;
    }
    List<Sent> sent = new ArrayList<>(rows.size());
    Exception failure = null;
    ConfirmingPublisher on;
    try {
      on = channel();
      for (OutboxEntry row : rows) {
        PublishSpans.Traced traced = spans.start(row.message());
        try {
          sent.add(new Sent(row, traced.span(), on.publish(traced.message())));
        } catch (IOException | ShutdownSignalException e) {
          PublishSpans.failed(traced.span(), e);
          failure = e;
          break;
        }
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      closeQuietly(holder);
      throw e;
    }
    CompletableFuture<Void> answered =
        CompletableFuture.allOf(sent.stream().map(Sent::answer).toArray(CompletableFuture[]::new));
    inFlight.add(
        new Batch(
            sent,
            rows.size() - sent.size(),
            failure,
            on,
            holder,
            System.nanoTime() + CONFIRM_TIMEOUT.toNanos(),
            answered));
    answered.thenRun(this::answered);
  }

  /** Wakes the thread to settle answered batches, with at most one such hand-off waiting. */
  private void answered() {
    if (answerWaiting.compareAndSet(false, true) && !handed.offer(ANSWERED)) {
      answerWaiting.set(false);
    }
  }

  /**
   * Settles the oldest batches: every one when {@code all}, otherwise those answered and as many
   * more as leave room for the next within {@link #maxInFlight}. Confirmed and returned rows are
   * marked sent: on PostgreSQL in the batch's own transaction, on SQLite together, when {@code
   * all}, when stopping, after a failure or when due.
   */
  private void settle(boolean all) throws IOException, SQLException, InterruptedException {
    IOException incomplete = null;
    Batch head;
    while ((head = inFlight.peek()) != null
        && (all || inFlight.size() >= maxInFlight || head.answered().isDone())) {
      inFlight.poll();
      List<Long> settled = new ArrayList<>(head.sent().size());
      int failed = head.notSent();
      try {
        for (Sent sent : head.sent()) {
          long left = Math.max(0, head.deadlineNanos() - System.nanoTime());
          PublishOutcome outcome = ConfirmingPublisher.await(sent.answer(), Duration.ofNanos(left));
          PublishSpans.end(sent.span(), outcome);
          if (outcome == PublishOutcome.RETURNED) {
            unroutable.incrementAndGet();
            log.debug(
                "outbox event {} was unroutable; marked sent",
                sent.row().message().properties().getMessageId());
          }
          if (outcome == PublishOutcome.CONFIRMED || outcome == PublishOutcome.RETURNED) {
            settled.add(sent.row().id());
          } else {
            failed++;
          }
        }
      } catch (InterruptedException e) {
        closeQuietly(head.holder());
        throw e;
      }
      if (head.holder() != null) {
        try (Connection holder = head.holder()) {
          mark(holder, settled);
        }
      } else {
        if (toMark.isEmpty()) {
          marksDueNanos = System.nanoTime() + MARK_DELAY.toNanos();
        }
        toMark.addAll(settled);
      }
      Exception channelFailure = head.channelFailure();
      if (channelFailure == null && !head.on().channel().isOpen()) {
        channelFailure = head.on().channel().getCloseReason(); // e.g. a missing exchange
      }
      if (incomplete == null && channelFailure != null) {
        incomplete = new IOException("channel failed: " + channelFailure, channelFailure);
      } else if (incomplete == null && failed > 0) {
        incomplete = new IOException(failed + " events nacked or unconfirmed");
      }
    }
    if (all
        || stopping
        || incomplete != null
        || toMark.size() >= MAX_BATCH
        || System.nanoTime() - marksDueNanos >= 0) {
      markConfirmed();
    }
    if (incomplete != null) {
      throw incomplete;
    }
  }

  /** SQLite, or after a failed mark: marks every confirmed row waiting, in one transaction. */
  private void markConfirmed() throws SQLException {
    if (toMark.isEmpty()) {
      markFailed = false;
      return;
    }
    List<Long> ids = List.copyOf(toMark);
    toMark.clear();
    try (Connection db = database.openUnsynced()) {
      mark(db, ids);
    }
    markFailed = false;
  }

  /** Commits the marks of {@code ids} in {@code db}'s transaction, or keeps them for later. */
  private void mark(Connection db, List<Long> ids) throws SQLException {
    try {
      OutboxRows.markSent(db, ids, System.currentTimeMillis());
      db.commit();
      published.addAndGet(ids.size());
    } catch (SQLException | RuntimeException e) {
      // Publishing more while these stay unsent would send them again at every sweep.
      toMark.addAll(ids);
      markFailed = true;
      markFailures.incrementAndGet();
      throw e;
    }
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
    closeQuietly(reader);
    reader = null;
  }

  /** The open confirming channel, opening a new one if there is none or it closed. */
  private ConfirmingPublisher channel() throws IOException {
    if (channel != null && channel.channel().isOpen()) {
      return channel;
    }
    closeChannel();
    Channel opened = connection.createChannel();
    if (opened == null) {
      throw new IOException("no channel available on the broker connection");
    }
    try {
      channel = new ConfirmingPublisher(opened, MAX_BATCH);
    } catch (IOException | RuntimeException e) {
      abort(opened);
      throw e;
    }
    return channel;
  }

  private void closeChannel() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException | RuntimeException e) {
        log.debug("closing the outbox publisher channel: {}", e.toString());
      }
      // A closed channel of a recovering connection stays registered for recovery until aborted.
      abort(channel.channel());
      channel = null;
    }
  }

  private static void abort(Channel channel) {
    try {
      channel.abort();
    } catch (IOException | RuntimeException e) {
      log.debug("aborting the outbox publisher channel: {}", e.toString());
    }
  }

  /** Batches in flight are given up; their rows stay unsent, for the next sweep. */
  private void abandonInFlight() {
    Batch batch;
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

  private void failed(Exception e) {
    failures.incrementAndGet();
    sweepNeeded = true;
    abandonInFlight();
    closeReader();
    closeChannel();
    if (!failing) {
      failing = true;
      log.warn(
          "outbox publisher {}: {}; retrying every {}",
          name,
          FailureLine.describe(e),
          RETRY_BACKOFF);
    } else {
      log.debug("outbox publisher {}: still failing: {}", name, e.toString());
    }
  }
}
