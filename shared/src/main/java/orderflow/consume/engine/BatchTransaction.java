package orderflow.consume.engine;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import orderflow.consume.EventHandler;
import orderflow.consume.HandlerContext;
import orderflow.consume.PermanentFailureException;
import orderflow.consume.ServiceDefinition;
import orderflow.deadletter.DeadLetterHeaders;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventPayload;
import orderflow.envelope.PayloadDigest;
import orderflow.observe.ConsumerMetrics;
import orderflow.store.Database;
import orderflow.store.Inbox;
import orderflow.store.Outbox;
import orderflow.store.OutboxEntry;
import orderflow.trace.TraceParent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One transaction over a batch, as {@link BatchApplier} runs it (docs/architecture.md, section
 * 5.2): either the whole batch without savepoints, which gives up at the first failing delivery and
 * changes nothing, or one savepoint per delivery, which undoes each failing one alone.
 *
 * <p>Not thread-safe; used once.
 */
final class BatchTransaction {
  private static final Logger log = LoggerFactory.getLogger(BatchTransaction.class);

  /** What every batch transaction of one consumer loop works with. */
  record Resources(
      Database database,
      ServiceDefinition service,
      String ordersExchange,
      FailureInjector injector,
      ConsumerMetrics metrics) {}

  private final Database database;
  private final ServiceDefinition service;
  private final String ordersExchange;
  private final FailureInjector injector;
  private final ConsumerMetrics metrics;
  private final List<EventEnvelope> events;
  private final Map<Integer, Outcome> decided;
  private final List<Outcome> outcomes;
  private final boolean savepointEach;
  private final DeliverySpans spans;
  private final List<Outbox.Pending> toEmit = new ArrayList<>();
  private final List<Duration> handlerTimes = new ArrayList<>();
  private List<OutboxEntry> emitted = List.of();

  /** How an attempt ended. */
  sealed interface Attempt {
    /** Every delivery has its outcome; the applied ones committed with {@code emitted}. */
    record Settled(List<Outcome> outcomes, List<OutboxEntry> emitted) implements Attempt {}

    /** In a whole-batch attempt, which then changed nothing, delivery {@code index} failed. */
    record DeliveryFailed(int index, Outcome outcome) implements Attempt {}

    /** A whole-batch attempt's transaction failed, not one delivery; nothing changed. */
    record TransactionFailed(Exception cause) implements Attempt {}
  }

  /**
   * @param events the decoded deliveries (null where one could not be decoded)
   * @param decided outcomes known before this attempt, by position; the others are applied
   */
  BatchTransaction(
      Resources resources,
      List<EventEnvelope> events,
      Map<Integer, Outcome> decided,
      boolean savepointEach,
      DeliverySpans spans) {
    this.database = resources.database();
    this.service = resources.service();
    this.ordersExchange = resources.ordersExchange();
    this.injector = resources.injector();
    this.metrics = resources.metrics();
    this.events = events;
    this.decided = decided;
    this.outcomes = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      outcomes.add(decided.get(i));
    }
    this.savepointEach = savepointEach;
    this.spans = spans;
  }

  Attempt run() {
    Span span = spans.transaction(events.size(), decided, database.dialect());
    try {
      Attempt attempt = attempt();
      if (!(attempt instanceof Attempt.Settled)) {
        span.setStatus(StatusCode.ERROR, "rolled back");
      }
      return attempt;
    } finally {
      span.end();
    }
  }

  private Attempt attempt() {
    // The connection is returned after each batch: a lent SQLite connection holds the write lock.
    try (Connection tx = database.open()) {
      try {
        prepareHandlers(tx);
        List<Inbox.Recorded> recorded = savepointEach ? null : recordArrivals(tx);
        for (int i = 0; i < events.size(); i++) {
          if (!decided.containsKey(i)) {
            outcomes.set(i, applyOne(tx, i, recorded == null ? null : recorded.get(i)));
          }
        }
        emitted = Outbox.addTraced(tx, ordersExchange, toEmit);
        tx.commit();
      } catch (SQLException | RuntimeException | HandlerFailed e) {
        rollbackQuietly(tx);
        throw e;
      }
    } catch (HandlerFailed e) {
      log.debug(
          "delivery {} failed; applying the batch again without it: {}",
          e.index,
          e.getCause().toString());
      return new Attempt.DeliveryFailed(e.index, e.outcome);
    } catch (SQLException | RuntimeException e) {
      emitted = List.of();
      if (!savepointEach) {
        log.debug(
            "whole-batch transaction failed; applying one delivery at a time: {}", e.toString());
        return new Attempt.TransactionFailed(e);
      }
      // Nothing of this batch was committed: every delivery that was applied is retried.
      log.warn(
          "transaction of {} deliveries failed, retrying them: {}", events.size(), e.toString());
      for (int i = 0; i < outcomes.size(); i++) {
        Outcome outcome = outcomes.get(i);
        if (outcome == null
            || outcome instanceof Outcome.Applied
            || outcome instanceof Outcome.Duplicate) {
          outcomes.set(i, new Outcome.Retry(e));
        }
      }
      return new Attempt.Settled(outcomes, emitted);
    }
    recordMetrics();
    return new Attempt.Settled(outcomes, emitted);
  }

  /** Lets each handler lock what the batch will touch, in one order for the whole batch. */
  private void prepareHandlers(Connection tx) throws SQLException {
    List<EventEnvelope> pending = new ArrayList<>();
    Set<EventHandler> handlers = new LinkedHashSet<>();
    for (int i = 0; i < events.size(); i++) {
      EventHandler handler =
          decided.containsKey(i) ? null : service.handlers().get(events.get(i).eventType());
      if (handler != null) {
        pending.add(events.get(i));
        handlers.add(handler);
      }
    }
    for (EventHandler handler : handlers) {
      handler.prepareBatch(pending, tx);
    }
  }

  /** The inbox rows of the whole batch in a few statements: one answer per delivery. */
  private List<Inbox.Recorded> recordArrivals(Connection tx) throws SQLException {
    List<Inbox.Arrival> arrivals = new ArrayList<>();
    List<Integer> positions = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      EventEnvelope event = events.get(i);
      if (!decided.containsKey(i) && service.handlers().containsKey(event.eventType())) {
        arrivals.add(new Inbox.Arrival(event.eventId(), PayloadDigest.of(event)));
        positions.add(i);
      }
    }
    List<Inbox.Recorded> found = Inbox.recordAll(tx, service.name(), arrivals);
    List<Inbox.Recorded> byDelivery = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      byDelivery.add(null);
    }
    for (int i = 0; i < positions.size(); i++) {
      byDelivery.set(positions.get(i), found.get(i));
    }
    return byDelivery;
  }

  /**
   * @param recorded what the inbox found for it already, or null to record it here
   */
  private Outcome applyOne(Connection tx, int index, Inbox.Recorded recorded)
      throws SQLException, HandlerFailed {
    EventEnvelope event = events.get(index);
    EventHandler handler = service.handlers().get(event.eventType());
    if (handler == null) {
      return new Outcome.DeadLetter(
          DeadLetterHeaders.REASON_PERMANENT_FAILURE,
          new PermanentFailureException(
              "service " + service.name() + " has no handler for " + event.eventType()));
    }
    Savepoint savepoint = savepointEach ? tx.setSavepoint() : null;
    long started = System.nanoTime();
    Context context = new Context(tx, event, service.name());
    try (DeliverySpans.HandlerSpan span = spans.handler(index, event.eventType().wireName())) {
      try {
        if (recorded == null) {
          recorded = Inbox.record(tx, service.name(), event.eventId(), PayloadDigest.of(event));
        }
        if (recorded.status() == Inbox.Status.DUPLICATE) {
          release(tx, savepoint);
          return new Outcome.Duplicate(event);
        }
        if (recorded.status() == Inbox.Status.CONFLICT) {
          release(tx, savepoint);
          return new Outcome.DeadLetter(
              DeadLetterHeaders.REASON_EVENT_ID_CONFLICT,
              new PermanentFailureException(
                  "event "
                      + event.eventId()
                      + " was applied with payload digest "
                      + recorded.storedDigest()
                      + "; this one has "
                      + PayloadDigest.of(event)));
        }
        injector.maybeFail();
        handler.handle(event, context);
        release(tx, savepoint);
      } catch (Exception e) {
        span.failed(e);
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        Outcome failed =
            e instanceof PermanentFailureException permanent
                ? new Outcome.DeadLetter(DeadLetterHeaders.REASON_PERMANENT_FAILURE, permanent)
                : new Outcome.Retry(e);
        if (savepoint == null) {
          throw new HandlerFailed(index, failed, e);
        }
        tx.rollback(savepoint);
        return failed;
      }
    }
    toEmit.addAll(context.emitted);
    handlerTimes.add(Duration.ofNanos(System.nanoTime() - started));
    return new Outcome.Applied(event);
  }

  private static void release(Connection tx, Savepoint savepoint) throws SQLException {
    if (savepoint != null) {
      tx.releaseSavepoint(savepoint);
    }
  }

  /** Counted only once committed, so a batch applied twice is not counted twice. */
  private void recordMetrics() {
    Instant now = Instant.now();
    int applied = 0;
    for (Outcome outcome : outcomes) {
      if (outcome instanceof Outcome.Applied done) {
        String type = done.event().eventType().wireName();
        metrics.handlerTime(type, handlerTimes.get(applied++));
        metrics.endToEndLatency(type, Duration.between(done.event().timestamp(), now));
      }
    }
  }

  /**
   * Thrown out of a whole-batch attempt when one delivery fails: the batch goes again without it.
   */
  private static final class HandlerFailed extends Exception {
    final int index;
    final Outcome outcome;

    HandlerFailed(int index, Outcome outcome, Throwable cause) {
      super(cause);
      this.index = index;
      this.outcome = outcome;
    }
  }

  static void rollbackQuietly(Connection tx) {
    try {
      tx.rollback();
    } catch (SQLException e) {
      // The connection is broken; closing it discards the transaction.
    }
  }

  /** Collects a handler's events; they reach the outbox only if its delivery is applied. */
  private static final class Context implements HandlerContext {
    private final Connection tx;
    private final EventEnvelope cause;
    private final String serviceName;
    private final List<Outbox.Pending> emitted = new ArrayList<>(1);

    Context(Connection tx, EventEnvelope cause, String serviceName) {
      this.tx = tx;
      this.cause = cause;
      this.serviceName = serviceName;
    }

    @Override
    public Connection connection() {
      return tx;
    }

    @Override
    public void emit(EventPayload payload) {
      // The handler's span is current: the emitted event continues the delivery's trace.
      emitted.add(
          new Outbox.Pending(
              EventEnvelope.causedBy(cause, payload, serviceName), TraceParent.current()));
    }
  }
}
