package orderflow.orderservice;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import orderflow.envelope.EventEnvelope;
import orderflow.store.Database;
import orderflow.store.Outbox;
import orderflow.store.OutboxEntry;

/**
 * Places an order (the write side of the order API): in one transaction, appends its {@code
 * OrderCreated} to the event store and folds it into the read model, adds the event to the outbox
 * (handed to the service's outbox publisher after commit), and records the idempotency key. So an
 * order exists if and only if its event will be published, and a retried request with the same key
 * finds the first order instead of creating a second. Concurrent placements share a transaction
 * ({@link GroupCommit}): one disk sync for a group, each placement in its own savepoint.
 *
 * <p>Thread-safe.
 */
final class OrderPlacement {
  static final String SOURCE = "order-service";

  private final String exchange;
  private final Clock clock;
  private final OrderProjector projector;
  private final GroupCommit groups;
  private final IdempotencyKeys keys = new IdempotencyKeys();

  /**
   * @param committed takes the outbox entries of each committed placement (the outbox publisher)
   */
  OrderPlacement(
      Database database,
      String exchange,
      Clock clock,
      OrderProjector projector,
      Consumer<List<OutboxEntry>> committed) {
    this.exchange = Objects.requireNonNull(exchange, "exchange");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.projector = Objects.requireNonNull(projector, "projector");
    this.groups =
        new GroupCommit(
            Objects.requireNonNull(database, "database"),
            Objects.requireNonNull(committed, "committed"));
  }

  /**
   * What a placement did.
   *
   * @param replayed true when the key had already placed this order and nothing new was written
   */
  record Placed(String orderId, boolean replayed) {}

  /** Another transaction recorded the same key first: placing again finds its order. */
  private static final class KeyRaced extends RuntimeException {
    private static final long serialVersionUID = 1L;

    KeyRaced() {
      super("Idempotency-Key recorded concurrently", null, false, false);
    }
  }

  /** The key was used before for a different request. */
  static final class KeyReusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    KeyReusedException() {
      super("Idempotency-Key: already used for a different request");
    }
  }

  /**
   * @param idempotencyKey null when the client sent none
   * @throws KeyReusedException when the key placed another request's order
   */
  Placed place(NewOrder order, String idempotencyKey) throws SQLException {
    try {
      return groups.run(transaction -> attempt(transaction, order, idempotencyKey));
    } catch (KeyRaced e) {
      return groups.run(transaction -> attempt(transaction, order, idempotencyKey));
    }
  }

  private GroupCommit.Written<Placed> attempt(Connection transaction, NewOrder order, String key)
      throws SQLException {
    if (key != null) {
      Optional<IdempotencyKeys.Use> earlier = keys.find(transaction, key);
      if (earlier.isPresent()) {
        if (!earlier.get().fingerprint().equals(order.fingerprint())) {
          throw new KeyReusedException();
        }
        return new GroupCommit.Written<>(new Placed(earlier.get().orderId(), true), List.of());
      }
    }
    String orderId = UUID.randomUUID().toString();
    EventEnvelope created = EventEnvelope.first(order.toEvent(orderId), SOURCE);
    projector.record(transaction, created);
    OutboxEntry entry = Outbox.add(transaction, exchange, created);
    if (key != null
        && !keys.record(
            transaction,
            key,
            new IdempotencyKeys.Use(orderId, order.fingerprint()),
            clock.instant())) {
      throw new KeyRaced();
    }
    return new GroupCommit.Written<>(new Placed(orderId, false), List.of(entry));
  }
}
