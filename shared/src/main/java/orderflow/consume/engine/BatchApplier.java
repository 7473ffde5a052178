package orderflow.consume.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import orderflow.consume.ServiceDefinition;
import orderflow.deadletter.DeadLetterHeaders;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.InvalidEventException;
import orderflow.observe.ConsumerMetrics;
import orderflow.outbox.OutboxDispatcher;
import orderflow.store.Database;
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
  private final EventCodec codec;
  private final OutboxDispatcher dispatcher;
  private final BatchTransaction.Resources resources;

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
    this.database = database;
    this.codec = codec;
    this.dispatcher = dispatcher;
    this.resources =
        new BatchTransaction.Resources(
            database, service, ordersExchange, injector, metrics, dispatcher);
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
      BatchTransaction attempt = new BatchTransaction(resources, decoded, known, savepointEach);
      // Nothing of a failed attempt was committed: the next one starts from what is known.
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
        BatchTransaction.rollbackQuietly(tx);
        throw e;
      }
    } catch (SQLException | RuntimeException e) {
      dispatcher.marksRolledBack(marked);
      log.warn("could not mark {} published outbox rows sent: {}", marked.size(), e.toString());
    }
  }
}
