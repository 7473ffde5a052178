package orderflow.consume.engine;

import io.opentelemetry.api.trace.Span;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import orderflow.consume.EventHandler;
import orderflow.consume.HandlerContext;
import orderflow.consume.PermanentFailureException;
import orderflow.consume.ServiceDefinition;
import orderflow.consume.TransientFailureException;
import orderflow.deadletter.DeadLetterHeaders;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventPayload;
import orderflow.envelope.InvalidEventException;
import orderflow.envelope.PayloadDigest;
import orderflow.observe.ConsumerMetrics;
import orderflow.store.Database;
import orderflow.store.Inbox;
import orderflow.store.Outbox;
import orderflow.store.OutboxEntry;
import orderflow.trace.TraceParent;

/**
 * Applies a batch of deliveries as one {@link GroupTransaction} (docs/architecture.md, section
 * 5.2): the handlers prepare the batch, the inbox records the eventIds, the handlers run, and what
 * they emit goes to the outbox. Touches no broker: the caller publishes and settles after commit.
 * Decided without a transaction: an undecodable body, an event type without a handler, and an event
 * its handler knows as {@linkplain EventHandler#alreadyApplied already applied}.
 *
 * <p>Not thread-safe: one instance per consumer loop.
 */
record BatchApplier(
    Database database,
    ServiceDefinition service,
    String ordersExchange,
    double injectFailureRate,
    RandomGenerator random,
    ConsumerMetrics metrics) {
  private static final EventCodec CODEC = new EventCodec();

  /** One outcome per delivery, in order, and the outbox entries committed with them. */
  record Result(List<Outcome> outcomes, List<OutboxEntry> committedEvents) {}

  /**
   * One delivery in the transaction, and its handler's context: what an attempt sets is reset by
   * the next one, and its events reach the outbox only if it is applied.
   */
  private final class Item implements HandlerContext {
    final int index;
    final EventEnvelope event;
    final EventHandler handler;
    Connection transaction;
    Inbox.Recorded recorded;
    Outcome outcome;
    final List<Outbox.Pending> emitted = new ArrayList<>(1);
    long handlerNanos;

    Item(int index, EventEnvelope event, EventHandler handler) {
      this.index = index;
      this.event = event;
      this.handler = handler;
    }

    @Override
    public Connection connection() {
      return transaction;
    }

    @Override
    public void emit(EventPayload payload) {
      // The handler's span is current: the emitted event continues the delivery's trace.
      emitted.add(
          new Outbox.Pending(
              EventEnvelope.causedBy(event, payload, service.name()), TraceParent.current()));
    }
  }

  /** Applies {@code batch}, with the handlers' and the transaction's spans under {@code spans}. */
  Result apply(List<ReceivedDelivery> batch, DeliverySpans spans) {
    Outcome[] outcomes = new Outcome[batch.size()];
    List<Item> items = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      ReceivedDelivery delivery = batch.get(i);
      try {
        EventEnvelope event = CODEC.decode(delivery.body());
        EventHandler handler = service.handlers().get(event.eventType());
        if (handler == null) {
          outcomes[i] =
              new Outcome.DeadLetter(
                  DeadLetterHeaders.REASON_PERMANENT_FAILURE,
                  new PermanentFailureException(
                      "service " + service.name() + " has no handler for " + event.eventType()));
        } else if (handler.alreadyApplied(event, delivery.body())) {
          outcomes[i] = new Outcome.AlreadyApplied(event);
        } else {
          items.add(new Item(i, event, handler));
        }
      } catch (InvalidEventException e) {
        outcomes[i] = new Outcome.DeadLetter(DeadLetterHeaders.REASON_INVALID_EVENT, e);
      }
    }
    if (items.isEmpty()) {
      return new Result(List.of(outcomes), List.of());
    }
    Work work = new Work(spans);
    Map<Item, Exception> failed;
    Span span = spans.transaction(items.stream().map(item -> item.index).toList(), database);
    try {
      failed = GroupTransaction.run(database, items, work);
    } finally {
      span.end();
    }
    Instant now = Instant.now();
    for (Item item : items) {
      Exception failure = failed.get(item);
      if (failure instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      if (failure instanceof PermanentFailureException permanent) {
        outcomes[item.index] =
            new Outcome.DeadLetter(DeadLetterHeaders.REASON_PERMANENT_FAILURE, permanent);
      } else if (failure != null) {
        outcomes[item.index] = new Outcome.Retry(failure);
      } else {
        outcomes[item.index] = item.outcome;
        if (item.outcome instanceof Outcome.Applied) {
          String type = item.event.eventType().wireName();
          metrics.handlerTime(type, Duration.ofNanos(item.handlerNanos));
          metrics.endToEndLatency(type, Duration.between(item.event.timestamp(), now));
        }
      }
    }
    boolean committed = failed.size() < items.size();
    return new Result(List.of(outcomes), committed ? work.committed : List.of());
  }

  /** The batch's writes in one attempt of its transaction. */
  private final class Work implements GroupTransaction.Work<Item> {
    private final DeliverySpans spans;
    List<OutboxEntry> committed = List.of();

    Work(DeliverySpans spans) {
      this.spans = spans;
    }

    /** Lets each handler lock what the batch touches, in one order for the whole batch. */
    @Override
    public void begin(Connection tx, List<Item> items, boolean savepointEach) throws SQLException {
      Map<EventHandler, List<EventEnvelope>> byHandler = new LinkedHashMap<>();
      List<Inbox.Arrival> arrivals = new ArrayList<>(items.size());
      for (Item item : items) {
        byHandler.computeIfAbsent(item.handler, h -> new ArrayList<>()).add(item.event);
        arrivals.add(new Inbox.Arrival(item.event.eventId(), PayloadDigest.of(item.event)));
        item.transaction = tx;
        item.recorded = null;
        item.outcome = null;
        item.emitted.clear();
      }
      for (Map.Entry<EventHandler, List<EventEnvelope>> handled : byHandler.entrySet()) {
        handled.getKey().prepareBatch(handled.getValue(), tx);
      }
      if (!savepointEach) {
        List<Inbox.Recorded> recorded = Inbox.recordAll(tx, service.name(), arrivals);
        for (int i = 0; i < items.size(); i++) {
          items.get(i).recorded = recorded.get(i);
        }
      }
    }

    @Override
    public void apply(Connection tx, Item item) throws Exception {
      EventEnvelope event = item.event;
      Inbox.Recorded recorded =
          item.recorded != null
              ? item.recorded
              : Inbox.record(tx, service.name(), event.eventId(), PayloadDigest.of(event));
      if (recorded.status() == Inbox.Status.DUPLICATE) {
        item.outcome = new Outcome.Duplicate(event);
        return;
      }
      if (recorded.status() == Inbox.Status.CONFLICT) {
        item.outcome =
            new Outcome.DeadLetter(
                DeadLetterHeaders.REASON_EVENT_ID_CONFLICT,
                new PermanentFailureException(
                    "event "
                        + event.eventId()
                        + " was applied with payload digest "
                        + recorded.storedDigest()
                        + "; this one has "
                        + PayloadDigest.of(event)));
        return;
      }
      long started = System.nanoTime();
      spans.handle(
          item.index,
          event.eventType().wireName(),
          () -> {
            if (injectFailureRate > 0 && random.nextDouble() < injectFailureRate) {
              throw new TransientFailureException(
                  "injected failure (--inject-failures " + injectFailureRate + ")");
            }
            item.handler.handle(event, item);
          });
      item.handlerNanos = System.nanoTime() - started;
      item.outcome = new Outcome.Applied(event);
    }

    @Override
    public void end(Connection tx, List<Item> applied) throws SQLException {
      List<Outbox.Pending> emitted = new ArrayList<>();
      for (Item item : applied) {
        emitted.addAll(item.emitted);
      }
      committed = Outbox.addTraced(tx, ordersExchange, emitted);
    }
  }
}
