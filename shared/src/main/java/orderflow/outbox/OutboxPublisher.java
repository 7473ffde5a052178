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
 * The process's one publisher of outbox rows: publishes handed-over rows (and, in sweeps, rows left
 * unsent) on a confirming channel without waiting for earlier answers, and marks answered batches
 * sent in order. A row is published only while this publisher holds it (PostgreSQL: locked {@code
 * FOR UPDATE SKIP LOCKED} until its mark commits; SQLite: this thread alone publishes and marks),
 * so a row marked sent is never published again. Unconfirmed rows stay unsent and go again; a crash
 * between publish and mark resends with the same event id. Returned rows are marked sent and
 * counted. Thread-safe.
 */
public final class OutboxPublisher implements AutoCloseable {
  static final int MAX_BATCH = 1_000;
  static final Duration IDLE_SWEEP = Duration.ofSeconds(1);
  static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);
  static final Duration MARK_DELAY = Duration.ofMillis(50);
  static final Duration BACKLOG_COUNT_INTERVAL = Duration.ofSeconds(1);
  private static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration CONFIRM_TIMEOUT = ConfirmingPublisher.DEFAULT_CONFIRM_TIMEOUT;

  private static final int HANDOFF_BATCHES = 64; // beyond this, rows wait for a sweep
  // Unsettled batches before the oldest is awaited; on PostgreSQL each holds a pooled connection.
  private static final int SQLITE_IN_FLIGHT = 8;
  private static final int POSTGRESQL_IN_FLIGHT = 2;
  // Hand-offs that carry no rows, told apart by identity.
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
  private Connection holding; // PostgreSQL: the transaction of rows read and not yet in flight
  private boolean failing;

  /** {@code tracing}: a PRODUCER span per row, parented on the context stored with it. */
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

  /** Hands over committed rows; never blocks. Without room a sweep finds them. */
  public void submit(List<OutboxEntry> committed) {
    if (!committed.isEmpty() && !handed.offer(List.copyOf(committed))) {
      sweepNeeded = true;
    }
  }

  public void wakeUp() {
    sweepNeeded = true;
    handed.offer(WAKE_UP);
  }

  /** False once the publishing thread has ended: readiness turns down. */
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

  public long markFailures() {
    return markFailures.get();
  }

  public long failures() {
    return failures.get();
  }

  public long published() {
    return published.get();
  }

  /** Publishes every row left unsent, then stops; returns true if nothing was left unsent. */
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

  /** A sweep, or the hand-offs published and answered batches settled; false: stop. */
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
      hold();
      send(holdUnsent(rows));
    }
    settle(false);
    return true;
  }

  /** The waiting hand-offs' rows; null when none came before a sweep or marks are due. */
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

  private int sweep() throws IOException, SQLException, InterruptedException {
    settle(true);
    hold();
    List<OutboxEntry> rows = OutboxRows.unsent(lockRows ? holding : reader(), MAX_BATCH, lockRows);
    if (!rows.isEmpty()) {
      sweptThrough = Math.max(sweptThrough, rows.get(rows.size() - 1).id());
    }
    send(rows);
    settle(true);
    return rows.size();
  }

  /** PostgreSQL: a transaction in which the rows read stay locked until marked. */
  private void hold() throws SQLException {
    if (lockRows) {
      holding = database.openUnsynced();
      OutboxRows.allowPublisherIdle(holding);
    }
  }

  /** The rows still unsent; on SQLite only rows a sweep may have read are looked up. */
  private List<OutboxEntry> holdUnsent(List<OutboxEntry> rows) throws SQLException {
    List<Long> ids =
        rows.stream().map(OutboxEntry::id).filter(id -> lockRows || id <= sweptThrough).toList();
    if (ids.isEmpty()) {
      return rows;
    }
    Set<Long> unsent = OutboxRows.stillUnsent(lockRows ? holding : reader(), ids, lockRows);
    return rows.stream()
        .filter(row -> unsent.contains(row.id()) || !(lockRows || row.id() <= sweptThrough))
        .toList();
  }

  private record Sent(OutboxEntry row, Span span, CompletableFuture<PublishOutcome> answer) {}

  private record Batch(
      List<Sent> sent,
      int notSent,
      Exception channelFailure,
      ConfirmingPublisher on,
      Connection holder,
      long deadlineNanos,
      CompletableFuture<Void> answered) {}

  /** A channel failure stops at the row that met it; the rows before it are still settled. */
  private void send(List<OutboxEntry> rows) throws IOException, InterruptedException {
    if (rows.isEmpty()) {
      closeQuietly(holding);
      holding = null;
      return;
    }
    List<Sent> sent = new ArrayList<>(rows.size());
    Exception failure = null;
    ConfirmingPublisher on = channel();
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
    CompletableFuture<Void> answered =
        CompletableFuture.allOf(sent.stream().map(Sent::answer).toArray(CompletableFuture[]::new));
    inFlight.add(
        new Batch(
            sent,
            rows.size() - sent.size(),
            failure,
            on,
            holding,
            System.nanoTime() + CONFIRM_TIMEOUT.toNanos(),
            answered));
    holding = null;
    answered.thenRun(this::answered);
  }

  private void answered() {
    if (answerWaiting.compareAndSet(false, true) && !handed.offer(ANSWERED)) {
      answerWaiting.set(false);
    }
  }

  /** Settles the oldest batches: all, or the answered ones and enough to make room. */
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

  /** SQLite: one read-only connection kept open, so reads never queue for the write turn. */
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

  private void abandonInFlight() {
    closeQuietly(holding);
    holding = null;
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
