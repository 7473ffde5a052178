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
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import orderflow.broker.FailureLine;
import orderflow.publish.ConfirmingPublisher;
import orderflow.publish.PublishOutcome;
import orderflow.publish.PublishSpans;
import orderflow.store.Database;
import orderflow.store.Dialect;
import orderflow.store.Outbox;
import orderflow.store.OutboxEntry;
import orderflow.trace.Tracing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's one publisher of outbox rows, handed over or swept. A row is published only while
 * held (PostgreSQL: locked until its mark commits; SQLite: one thread publishes and marks), so a
 * row marked sent never goes again; an unconfirmed row stays unsent and goes again with the same
 * event id. Returned rows are marked sent and counted. Thread-safe.
 */
public final class OutboxPublisher implements AutoCloseable {
  static final int MAX_BATCH = 1_000;
  static final Duration IDLE_SWEEP = Duration.ofSeconds(1);
  static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);
  static final Duration MARK_DELAY = Duration.ofMillis(50);
  static final Duration BACKLOG_COUNT_INTERVAL = Duration.ofSeconds(1);
  private static final int HANDOFF_BATCHES = 64; // beyond this, rows wait for a sweep
  // Unsettled batches before the oldest is awaited; on PostgreSQL each holds a pooled connection.
  private static final int SQLITE_IN_FLIGHT = 8;
  private static final int POSTGRESQL_IN_FLIGHT = 2;
  private static final Logger log = LoggerFactory.getLogger(OutboxPublisher.class);

  private final Database database;
  private final com.rabbitmq.client.Connection connection;
  private final String name;
  private final boolean lockRows;
  private final int maxInFlight;
  private final PublishSpans spans;
  // An empty list wakes the thread up: a batch was answered, a sweep or the drain is wanted.
  private final BlockingQueue<List<OutboxEntry>> handed = new ArrayBlockingQueue<>(HANDOFF_BATCHES);
  private final Thread thread;
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
  private final List<Long> toMark = new ArrayList<>(); // SQLite: marks grouped for MARK_DELAY
  private long marksDueNanos;
  private boolean markFailed;
  private long sweptThrough; // SQLite: rows above it were never read by a sweep
  private long nextBacklogCount = System.nanoTime();
  private ConfirmingPublisher channel;
  private Connection reader;
  private Connection holding; // PostgreSQL: the transaction of rows read and not yet in flight
  private boolean failing;

  private record Sent(OutboxEntry row, Span span, CompletableFuture<PublishOutcome> answer) {}

  /** Rows published together; on PostgreSQL, {@code holder} keeps them locked until marked. */
  private record Batch(
      List<Sent> sent,
      Exception channelFailure, // the rows after the one that met it were not sent
      ConfirmingPublisher on,
      Connection holder,
      long deadlineNanos,
      CompletableFuture<Void> answered) {}

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
    handed.offer(List.of());
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
    handed.offer(List.of());
    thread.join(timeout.plus(RETRY_BACKOFF).toMillis());
    if (thread.isAlive()) {
      thread.interrupt();
      thread.join(RETRY_BACKOFF.toMillis());
    }
    return backlog == 0;
  }

  @Override
  public void close() throws InterruptedException {
    drainAndClose(Duration.ofSeconds(10)); // the thread logs what is left unsent
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
        countBacklog();
      } catch (SQLException | RuntimeException e) {
        log.debug("outbox publisher {} at stop: {}", name, e.toString());
      }
      closeChannel();
      closeQuietly(reader);
      log.info("outbox publisher {} stopped with {} rows unsent", name, backlog);
    }
  }

  /** A sweep, or the hand-offs published and answered batches settled; false: stop. */
  private boolean cycle() throws IOException, SQLException, InterruptedException {
    if (markFailed) {
      markConfirmed();
    }
    if (System.nanoTime() - nextBacklogCount >= 0) {
      countBacklog();
    }
    if (channel == null) {
      channel(); // opened before the first hand-off, so its first publish pays no round trips
    }
    if (sweepNeeded) {
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
      send(unsent(hold(), rows));
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
    List<OutboxEntry> rows = new ArrayList<>(next);
    while (rows.size() < MAX_BATCH && (next = handed.poll()) != null) {
      rows.addAll(next);
    }
    return rows;
  }

  private int sweep() throws IOException, SQLException, InterruptedException {
    settle(true);
    List<OutboxEntry> rows = Outbox.unsent(hold(), MAX_BATCH, lockRows);
    if (!rows.isEmpty()) {
      sweptThrough = Math.max(sweptThrough, rows.get(rows.size() - 1).id());
    }
    send(rows);
    settle(true);
    return rows.size();
  }

  /** Where rows are read: on PostgreSQL, a transaction that keeps them locked until marked. */
  private Connection hold() throws SQLException {
    if (!lockRows) {
      return reader();
    }
    holding = database.openUnsynced();
    Outbox.allowPublisherIdle(holding);
    return holding;
  }

  /** The rows still unsent; on SQLite only rows a sweep may have read are looked up. */
  private List<OutboxEntry> unsent(Connection db, List<OutboxEntry> rows) throws SQLException {
    long mayBeSent = lockRows ? Long.MAX_VALUE : sweptThrough;
    List<Long> ids = rows.stream().map(OutboxEntry::id).filter(id -> id <= mayBeSent).toList();
    if (ids.isEmpty()) {
      return rows;
    }
    Set<Long> unsent = Outbox.stillUnsent(db, ids, lockRows);
    return rows.stream().filter(row -> row.id() > mayBeSent || unsent.contains(row.id())).toList();
  }

  /** A channel failure stops at the row that met it; the rows before it are still settled. */
  private void send(List<OutboxEntry> rows) throws IOException, InterruptedException {
    Connection holder = holding;
    holding = null;
    if (rows.isEmpty()) {
      closeQuietly(holder);
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
    long deadline = System.nanoTime() + ConfirmingPublisher.DEFAULT_CONFIRM_TIMEOUT.toNanos();
    inFlight.add(new Batch(sent, failure, on, holder, deadline, answered));
    answered.thenRun(() -> handed.offer(List.of()));
  }

  /** Settles the oldest batches: all, or the answered ones and enough to make room. */
  private void settle(boolean all) throws IOException, SQLException, InterruptedException {
    IOException incomplete = null;
    Batch head;
    while ((head = inFlight.peek()) != null
        && (all || inFlight.size() >= maxInFlight || head.answered().isDone())) {
      List<Long> settled = new ArrayList<>(head.sent().size());
      int failed = 0;
      for (Sent sent : head.sent()) {
        long left = Math.max(0, head.deadlineNanos() - System.nanoTime());
        PublishOutcome outcome = ConfirmingPublisher.await(sent.answer(), Duration.ofNanos(left));
        PublishSpans.end(sent.span(), outcome);
        if (outcome == PublishOutcome.RETURNED) {
          unroutable.incrementAndGet();
          log.debug("outbox row {} was unroutable; marked sent", sent.row().id());
        }
        if (outcome == PublishOutcome.CONFIRMED || outcome == PublishOutcome.RETURNED) {
          settled.add(sent.row().id());
        } else {
          failed++;
        }
      }
      inFlight.poll(); // after the waits: if interrupted, abandonInFlight closes its holder
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
      Exception channelFailure =
          head.channelFailure() != null
              ? head.channelFailure()
              : head.on().channel().getCloseReason(); // e.g. a missing exchange
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
    markFailed = false;
    if (!toMark.isEmpty()) {
      List<Long> ids = List.copyOf(toMark);
      toMark.clear();
      try (Connection db = database.openUnsynced()) {
        mark(db, ids);
      }
    }
  }

  private void mark(Connection db, List<Long> ids) throws SQLException {
    try {
      Outbox.markSent(db, ids, System.currentTimeMillis());
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

  private void countBacklog() throws SQLException {
    nextBacklogCount = System.nanoTime() + BACKLOG_COUNT_INTERVAL.toNanos();
    backlog = Outbox.backlog(reader());
  }

  /** Kept open outside the pool: reads never queue for SQLite's write turn nor a pooled slot. */
  private Connection reader() throws SQLException {
    if (reader == null || reader.isClosed()) {
      reader = database.openReadOnly();
    }
    return reader;
  }

  private ConfirmingPublisher channel() throws IOException {
    if (channel != null && channel.channel().isOpen()) {
      return channel;
    }
    closeChannel();
    Channel opened =
        connection.openChannel().orElseThrow(() -> new IOException("no channel number left"));
    try {
      channel = new ConfirmingPublisher(opened, MAX_BATCH);
    } catch (IOException | RuntimeException e) {
      abort(opened);
      throw e;
    }
    return channel;
  }

  /** Aborted, not closed: a closed channel of a recovering connection stays registered. */
  private void closeChannel() {
    if (channel != null) {
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
    for (Batch batch; (batch = inFlight.poll()) != null; ) {
      closeQuietly(batch.holder());
    }
  }

  private static void closeQuietly(Connection connection) {
    try {
      if (connection != null) {
        connection.close();
      }
    } catch (SQLException e) {
      log.debug("closing an outbox connection: {}", e.toString());
    }
  }

  private void failed(Exception e) {
    failures.incrementAndGet();
    sweepNeeded = true;
    abandonInFlight();
    closeQuietly(reader);
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
