package orderflow.orders;

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
 * finds the first order instead of creating a second.
 *
 * <p>Thread-safe: each call uses its own connection.
 */
final class OrderPlacement {
  static final String SOURCE = "order-service";

  private final Database database;
  private final String exchange;
  private final Clock clock;
  private final OrderProjector projector;
  private final Consumer<List<OutboxEntry>> committed;
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
    this.database = Objects.requireNonNull(database, "database");
    this.exchange = Objects.requireNonNull(exchange, "exchange");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.projector = Objects.requireNonNull(projector, "projector");
    this.committed = Objects.requireNonNull(committed, "committed");
  }

  /**
   * What a placement did.
   *
   * @param replayed true when the key had already placed this order and nothing new was written
   */
  record Placed(String orderId, boolean replayed) {}

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
    // Two attempts: a concurrent request with the same key can win the first; then it is found.
    for (int attempt = 0; ; attempt++) {
      Optional<Placed> placed = attempt(order, idempotencyKey);
      if (placed.isPresent()) {
        return placed.get();
      }
      if (attempt > 0) {
        throw new IllegalStateException("idempotency key neither found nor recorded");
      }
    }
  }

  private Optional<Placed> attempt(NewOrder order, String key) throws SQLException {
    try (Connection connection = database.open()) {
      try {
        if (key != null) {
          Optional<IdempotencyKeys.Use> earlier = keys.find(connection, key);
          if (earlier.isPresent()) {
            connection.rollback();
            if (!earlier.get().fingerprint().equals(order.fingerprint())) {
              throw new KeyReusedException();
            }
            return Optional.of(new Placed(earlier.get().orderId(), true));
          }
        }
        String orderId = UUID.randomUUID().toString();
        EventEnvelope created = EventEnvelope.first(order.toEvent(orderId), SOURCE);
        projector.record(connection, created);
        OutboxEntry entry = Outbox.add(connection, exchange, created);
        if (key != null
            && !keys.record(
                connection,
                key,
                new IdempotencyKeys.Use(orderId, order.fingerprint()),
                clock.instant())) {
          connection.rollback();
          return Optional.empty();
        }
        connection.commit();
        committed.accept(List.of(entry));
        return Optional.of(new Placed(orderId, false));
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
  }
}
