package orderflow.consume;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventPayload;
import orderflow.envelope.InvalidEventException;
import orderflow.envelope.PayloadDigest;
import orderflow.observe.ConsumerMetrics;
import orderflow.store.Database;
import orderflow.store.Inbox;
import orderflow.store.Outbox;
import orderflow.store.OutboxDispatcher;
import orderflow.store.OutboxEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a batch of deliveries in one database transaction: for each, record its eventId in the
 * inbox, run the handler, write what it emits to the outbox; each inside a savepoint, so one
 * failing delivery does not undo the others. The same transaction marks sent the outbox rows of
 * earlier batches that the broker has confirmed since. Touches no broker: publishing the committed
 * outbox entries and settling the deliveries happen after this returns, i.e. after commit.
 *
 * <p>Not thread-safe: one instance per consumer loop.
 */
final class BatchApplier {
  private static final Logger log = LoggerFactory.getLogger(BatchApplier.class);

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
  Result apply(List<Delivery> batch) {
    List<Outcome> outcomes = new ArrayList<>(batch.size());
    List<EventEnvelope> decoded = new ArrayList<>(batch.size());
    for (Delivery delivery : batch) {
      try {
        decoded.add(codec.decode(delivery.body()));
        outcomes.add(null);
      } catch (InvalidEventException e) {
        decoded.add(null);
        outcomes.add(new Outcome.DeadLetter(DeadLetterHeaders.REASON_INVALID_EVENT, e));
      }
    }
    List<OutboxEntry> emitted = new ArrayList<>();
    List<Long> marked = List.of();
    // The connection is returned after each batch: a lent SQLite connection holds the write lock.
    try (Connection tx = database.open()) {
      try {
        marked = dispatcher.markConfirmed(tx, MAX_MARKS);
        for (int i = 0; i < batch.size(); i++) {
          if (decoded.get(i) != null) {
            outcomes.set(i, applyOne(tx, decoded.get(i), emitted));
          }
        }
        tx.commit();
        dispatcher.marksCommitted(marked);
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(tx);
        throw e;
      }
    } catch (SQLException | RuntimeException e) {
      dispatcher.marksRolledBack(marked);
      dispatcher.release(emitted);
      emitted.clear();
      // Nothing of this batch was committed: every delivery that was applied is retried.
      log.warn(
          "transaction of {} deliveries failed, retrying them: {}", batch.size(), e.toString());
      for (int i = 0; i < outcomes.size(); i++) {
        Outcome outcome = outcomes.get(i);
        if (outcome == null
            || outcome instanceof Outcome.Applied
            || outcome instanceof Outcome.Duplicate) {
          outcomes.set(i, new Outcome.Retry(e));
        }
      }
    }
    return new Result(outcomes, emitted);
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

  private Outcome applyOne(Connection tx, EventEnvelope event, List<OutboxEntry> emitted)
      throws SQLException {
    EventHandler handler = service.handlers().get(event.eventType());
    if (handler == null) {
      return new Outcome.DeadLetter(
          DeadLetterHeaders.REASON_PERMANENT_FAILURE,
          new PermanentFailureException(
              "service " + service.name() + " has no handler for " + event.eventType()));
    }
    Savepoint savepoint = tx.setSavepoint();
    long started = System.nanoTime();
    try {
      String digest = PayloadDigest.of(event);
      Inbox.Recorded recorded = Inbox.record(tx, service.name(), event.eventId(), digest);
      if (recorded.status() == Inbox.Status.DUPLICATE) {
        tx.releaseSavepoint(savepoint);
        return new Outcome.Duplicate(event);
      }
      if (recorded.status() == Inbox.Status.CONFLICT) {
        tx.releaseSavepoint(savepoint);
        return new Outcome.DeadLetter(
            DeadLetterHeaders.REASON_EVENT_ID_CONFLICT,
            new PermanentFailureException(
                "event "
                    + event.eventId()
                    + " was applied with payload digest "
                    + recorded.storedDigest()
                    + "; this one has "
                    + digest));
      }
      injector.maybeFail();
      Context context = new Context(tx, event);
      handler.handle(event, context);
      tx.releaseSavepoint(savepoint);
      // Claimed before the commit, so the relay never sees these rows committed and unclaimed.
      dispatcher.claim(context.emitted);
      emitted.addAll(context.emitted);
      metrics.handlerTime(
          event.eventType().wireName(), Duration.ofNanos(System.nanoTime() - started));
      metrics.endToEndLatency(
          event.eventType().wireName(), Duration.between(event.timestamp(), Instant.now()));
      return new Outcome.Applied(event);
    } catch (PermanentFailureException e) {
      tx.rollback(savepoint);
      return new Outcome.DeadLetter(DeadLetterHeaders.REASON_PERMANENT_FAILURE, e);
    } catch (Exception e) {
      tx.rollback(savepoint);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return new Outcome.Retry(e);
    }
  }

  private static void rollbackQuietly(Connection tx) {
    try {
      tx.rollback();
    } catch (SQLException e) {
      // The connection is broken; closing it discards the transaction.
    }
  }

  private final class Context implements HandlerContext {
    private final Connection tx;
    private final EventEnvelope cause;
    private final List<OutboxEntry> emitted = new ArrayList<>(1);

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
      try {
        emitted.add(
            Outbox.add(tx, ordersExchange, EventEnvelope.causedBy(cause, payload, service.name())));
      } catch (SQLException e) {
        throw new TransientFailureException("cannot write to the outbox", e);
      }
    }
  }
}
