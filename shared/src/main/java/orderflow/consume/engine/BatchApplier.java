package orderflow.consume.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import orderflow.consume.EventHandler;
import orderflow.consume.ServiceDefinition;
import orderflow.deadletter.DeadLetterHeaders;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.InvalidEventException;
import orderflow.observe.ConsumerMetrics;
import orderflow.store.Database;
import orderflow.store.OutboxEntry;

/**
 * Applies a batch of deliveries in one database transaction: record their eventIds in the inbox,
 * run the handlers, write what they emit to the outbox. Touches no broker: handing the committed
 * outbox entries to the publisher and settling the deliveries happen after this returns, i.e. after
 * commit.
 *
 * <p>A batch is applied whole, with the inbox and outbox written a few rows per statement and no
 * savepoints. When a delivery fails, the transaction rolls back and the batch is applied again
 * without it (its handler is not called again for this batch); after {@value #WHOLE_BATCH_ROUNDS}
 * such rounds, or when the transaction itself failed, one savepoint per delivery undoes each
 * failing one alone (docs/architecture.md, section 5). A delivery its handler knows as {@linkplain
 * EventHandler#alreadyApplied already applied} takes no part in the transaction, and a batch of
 * only such deliveries (or undecodable ones) opens none.
 *
 * <p>Not thread-safe: one instance per consumer loop.
 */
final class BatchApplier {
  /**
   * Whole-batch attempts, each without the deliveries that failed before, until the batch is
   * applied one delivery per savepoint: a batch with many failing deliveries is not re-run many
   * times.
   */
  static final int WHOLE_BATCH_ROUNDS = 3;

  private final EventCodec codec;
  private final ServiceDefinition service;
  private final BatchTransaction.Resources resources;

  /** What a batch's transaction committed. */
  record Result(List<Outcome> outcomes, List<OutboxEntry> committedEvents) {}

  BatchApplier(
      Database database,
      ServiceDefinition service,
      String ordersExchange,
      EventCodec codec,
      FailureInjector injector,
      ConsumerMetrics metrics) {
    this.codec = codec;
    this.service = service;
    this.resources =
        new BatchTransaction.Resources(database, service, ordersExchange, injector, metrics);
  }

  /**
   * One outcome per delivery, in order, and the outbox entries committed with them. Applied and
   * duplicate outcomes are committed.
   */
  Result apply(List<ReceivedDelivery> batch) {
    return apply(batch, DeliverySpans.OFF);
  }

  /**
   * As {@link #apply(List)}, with the handlers' and the transaction's spans under {@code spans}.
   */
  Result apply(List<ReceivedDelivery> batch, DeliverySpans spans) {
    List<EventEnvelope> decoded = new ArrayList<>(batch.size());
    Map<Integer, Outcome> decided = new HashMap<>();
    for (ReceivedDelivery delivery : batch) {
      try {
        EventEnvelope event = codec.decode(delivery.body());
        EventHandler handler = service.handlers().get(event.eventType());
        if (handler != null && handler.alreadyApplied(event, delivery.body())) {
          decided.put(decoded.size(), new Outcome.AlreadyApplied(event));
        }
        decoded.add(event);
      } catch (InvalidEventException e) {
        decided.put(
            decoded.size(), new Outcome.DeadLetter(DeadLetterHeaders.REASON_INVALID_EVENT, e));
        decoded.add(null);
      }
    }
    if (decided.size() == batch.size()) {
      // Nothing to write: no transaction (on SQLite it would take the write lock and sync).
      List<Outcome> outcomes = new ArrayList<>(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        outcomes.add(decided.get(i));
      }
      return new Result(outcomes, List.of());
    }
    boolean savepointEach = false;
    for (int round = 1; ; round++) {
      // Nothing of a failed attempt was committed: the next one starts from what is decided.
      BatchTransaction.Attempt attempt =
          new BatchTransaction(resources, decoded, Map.copyOf(decided), savepointEach, spans).run();
      if (attempt instanceof BatchTransaction.Attempt.Settled settled) {
        return new Result(settled.outcomes(), settled.emitted());
      }
      if (attempt instanceof BatchTransaction.Attempt.DeliveryFailed failed) {
        decided.put(failed.index(), failed.outcome());
        savepointEach = round >= WHOLE_BATCH_ROUNDS;
      } else {
        savepointEach = true;
      }
    }
  }
}
