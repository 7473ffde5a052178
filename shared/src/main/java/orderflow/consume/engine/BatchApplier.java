package orderflow.consume.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import orderflow.consume.EventHandler;
import orderflow.consume.HandlerContext;
import orderflow.consume.PermanentFailureException;
import orderflow.consume.ServiceDefinition;
import orderflow.deadletter.DeadLetterHeaders;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventPayload;
import orderflow.envelope.InvalidEventException;
import orderflow.envelope.PayloadDigest;
import orderflow.observe.ConsumerMetrics;
import orderflow.outbox.OutboxDispatcher;
import orderflow.store.Database;
import orderflow.store.Inbox;
import orderflow.store.Outbox;
import orderflow.store.OutboxEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a batch of deliveries in one database transaction: record their eventIds in the inbox,
 * run the handlers, write what they emit to the outbox. The same transaction marks sent the outbox
 * rows of earlier batches that the broker has confirmed since. Touches no broker: publishing the
 * committed outbox entries and settling the deliveries happen after this returns, i.e. after
 * commit.
 *
 * <p>A batch is applied whole, with the inbox and outbox written a few rows per statement and no
 * savepoints. When a delivery fails, the transaction rolls back and the batch is applied again
 * without it (its handler is not called again for this batch); after {@value #WHOLE_BATCH_ROUNDS}
 * such rounds, or when the transaction itself failed, one savepoint per delivery undoes each
 * failing one alone (docs/architecture.md, section 5).
 *
 * <p>Not thread-safe: one instance per consumer loop.
 */
final class BatchApplier {
  private static final Logger log = LoggerFactory.getLogger(BatchApplier.class);

  /**
   * Whole-batch attempts, each without the deliveries that failed before, until the batch is
   * applied one delivery per savepoint: a batch with many failing deliveries is not re-run many
   * times.
   */
  static final int WHOLE_BATCH_ROUNDS = 3;

  /** Confirmed outbox rows marked sent per transaction: one statement, a bounded id list. */
  static final int MAX_MARKS = 2_000;

  private final Database database;
  private final ServiceDefinition service;
  private final String ordersExchange;
  private final EventCodec codec;
  private final FailureInjector injector;
  private final ConsumerMetrics metrics;
  private final OutboxDispatcher dispatcher;

  /** What a batch's transaction committed. */
  record Result(List<Outcome> outcomes, List<OutboxEntry> committedEvents) {}

  BatchApplier(
      Database database,
      ServiceDefinition service,
      String ordersExchange,
      EventCodec codec,
      FailureInjector injector,
      ConsumerMetrics metrics,
      OutboxDispatcher dispatcher) {
    this.dispatcher = dispatcher;
    this.database = database;
    this.service = service;
    this.ordersExchange = ordersExchange;
    this.codec = codec;
    this.injector = injector;
    this.metrics = metrics;
  }

  /**
   * One outcome per delivery, in order, and the outbox entries committed with them. Applied and
   * duplicate outcomes are committed.
   */
  Result apply(List<ReceivedDelivery> batch) {
    List<EventEnvelope> decoded = new ArrayList<>(batch.size());
    List<Outcome> undecodable = new ArrayList<>(batch.size());
    for (ReceivedDelivery delivery : batch) {
      try {
        decoded.add(codec.decode(delivery.body()));
        undecodable.add(null);
      } catch (InvalidEventException e) {
        decoded.add(null);
        undecodable.add(new Outcome.DeadLetter(DeadLetterHeaders.REASON_INVALID_EVENT, e));
      }
    }
    List<Outcome> known = undecodable;
    boolean savepointEach = false;
    for (int round = 1; ; round++) {
      Attempt attempt = new Attempt(decoded, known, savepointEach);
      if (attempt.run()) {
        return attempt.result();
      }
      known = attempt.knownAfterFailure();
      savepointEach = round >= WHOLE_BATCH_ROUNDS || !attempt.aDeliveryFailed();
    }
  }

  /** Marks confirmed outbox rows sent in a transaction of their own, when no batch comes. */
  void markConfirmed() {
    List<Long> marked = List.of();
    try (Connection tx = database.open()) {
      try {
        marked = dispatcher.markConfirmed(tx, MAX_MARKS);
        tx.commit();
        dispatcher.marksCommitted(marked);
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(tx);
        throw e;
      }
    } catch (SQLException | RuntimeException e) {
      dispatcher.marksRolledBack(marked);
      log.warn("could not mark {} published outbox rows sent: {}", marked.size(), e.toString());
    }
  }

  /**
   * Thrown out of a whole-batch attempt when one delivery fails: the batch goes again without it.
   */
  private static final class DeliveryFailed extends Exception {
    final int index;
    final Outcome outcome;

    DeliveryFailed(int index, Outcome outcome, Throwable cause) {
      super(cause);
      this.index = index;
      this.outcome = outcome;
    }
  }

  /** One transaction over the batch. */
  private final class Attempt {
    private final List<EventEnvelope> events;
    private final List<Outcome> known;
    private final List<Outcome> outcomes;
    private final boolean savepointEach;
    private final List<EventEnvelope> toEmit = new ArrayList<>();
    private final List<Duration> handlerTimes = new ArrayList<>();
    private List<OutboxEntry> emitted = List.of();

    private DeliveryFailed failure;

    /**
     * @param known outcomes settled before this attempt (null where the delivery is to be applied)
     */
    Attempt(List<EventEnvelope> events, List<Outcome> known, boolean savepointEach) {
      this.events = events;
      this.known = known;
      this.outcomes = new ArrayList<>(known);
      this.savepointEach = savepointEach;
    }

    /** False when the transaction itself failed, not a delivery in it. */
    boolean aDeliveryFailed() {
      return failure != null;
    }

    /** After a failed whole-batch attempt: what was known before, and the failure if one. */
    List<Outcome> knownAfterFailure() {
      List<Outcome> next = new ArrayList<>(known);
      if (failure != null) {
        next.set(failure.index, failure.outcome);
      }
      return next;
    }

    /**
     * @return false if a delivery failed in a whole-batch attempt, which then changed nothing
     */
    boolean run() {
      List<Long> marked = List.of();
      // The connection is returned after each batch: a lent SQLite connection holds the write lock.
      try (Connection tx = database.open()) {
        try {
          marked = dispatcher.markConfirmed(tx, MAX_MARKS);
          prepareHandlers(tx);
          List<Inbox.Recorded> recorded = savepointEach ? null : recordArrivals(tx);
          for (int i = 0; i < events.size(); i++) {
            if (known.get(i) == null) {
              outcomes.set(i, applyOne(tx, i, recorded == null ? null : recorded.get(i)));
            }
          }
          emitted = Outbox.addAll(tx, ordersExchange, toEmit);
          // Claimed before the commit, so the relay never sees these rows committed and unclaimed.
          dispatcher.claim(emitted);
          tx.commit();
          dispatcher.marksCommitted(marked);
        } catch (SQLException | RuntimeException | DeliveryFailed e) {
          rollbackQuietly(tx);
          throw e;
        }
      } catch (DeliveryFailed e) {
        forget(marked);
        failure = e;
        log.debug(
            "delivery {} failed; applying the batch again without it: {}",
            e.index,
            e.getCause().toString());
        return false;
      } catch (SQLException | RuntimeException e) {
        forget(marked);
        if (!savepointEach) {
          log.debug(
              "whole-batch transaction failed; applying one delivery at a time: {}", e.toString());
          return false;
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
        return true;
      }
      recordMetrics();
      return true;
    }

    Result result() {
      return new Result(outcomes, emitted);
    }

    private void forget(List<Long> marked) {
      dispatcher.marksRolledBack(marked);
      dispatcher.release(emitted);
      emitted = List.of();
    }

    /** Lets each handler lock what the batch will touch, in one order for the whole batch. */
    private void prepareHandlers(Connection tx) throws SQLException {
      List<EventEnvelope> pending = new ArrayList<>();
      Set<EventHandler> handlers = new LinkedHashSet<>();
      for (int i = 0; i < events.size(); i++) {
        EventHandler handler =
            known.get(i) != null ? null : service.handlers().get(events.get(i).eventType());
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
        if (known.get(i) == null && service.handlers().containsKey(event.eventType())) {
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
        throws SQLException, DeliveryFailed {
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
      Context context = new Context(tx, event);
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
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        Outcome failed =
            e instanceof PermanentFailureException permanent
                ? new Outcome.DeadLetter(DeadLetterHeaders.REASON_PERMANENT_FAILURE, permanent)
                : new Outcome.Retry(e);
        if (savepoint == null) {
          throw new DeliveryFailed(index, failed, e);
        }
        tx.rollback(savepoint);
        return failed;
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
  }

  private static void rollbackQuietly(Connection tx) {
    try {
      tx.rollback();
    } catch (SQLException e) {
      // The connection is broken; closing it discards the transaction.
    }
  }

  /** Collects a handler's events; they reach the outbox only if its delivery is applied. */
  private final class Context implements HandlerContext {
    private final Connection tx;
    private final EventEnvelope cause;
    private final List<EventEnvelope> emitted = new ArrayList<>(1);

    Context(Connection tx, EventEnvelope cause) {
      this.tx = tx;
      this.cause = cause;
    }

    @Override
    public Connection connection() {
      return tx;
    }

    @Override
    public void emit(EventPayload payload) {
      emitted.add(EventEnvelope.causedBy(cause, payload, service.name()));
    }
  }
}
