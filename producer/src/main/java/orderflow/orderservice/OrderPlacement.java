package orderflow.orderservice;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import orderflow.envelope.EventEnvelope;
import orderflow.orderservice.GroupCommit.Written;
import orderflow.privacy.AddressCipher;
import orderflow.store.Database;
import orderflow.store.Outbox;
import orderflow.store.OutboxEntry;

/**
 * Places an order (the write side of the order API): in one transaction, appends its {@code
 * OrderCreated}, its address encrypted, to the event store and folds it into the read model, adds
 * the event to the outbox (handed to the service's outbox publisher after commit), and records the
 * idempotency key. So an order exists if and only if its event will be published, and a retried
 * request with the same key finds the first order instead of creating a second. Concurrent
 * placements share a transaction ({@link GroupCommit}): one disk sync for a group, which runs
 * without savepoints while no placement fails; a failing placement is taken out and the group runs
 * again without it.
 *
 * <p>Thread-safe.
 */
final class OrderPlacement {
  static final String SOURCE = "order-service";

  private final String exchange;
  private final OrderProjector projector;
  private final GroupCommit groups;
  private final IdempotencyKeys keys;
  private final AddressCipher cipher;

  /** With the master keys the environment names ({@link AddressCipher#fromEnvironment}). */
  OrderPlacement(
      Database database,
      String exchange,
      Clock clock,
      OrderProjector projector,
      Consumer<List<OutboxEntry>> committed) {
    this(database, exchange, clock, projector, committed, AddressCipher.fromEnvironment());
  }

  /**
   * @param committed takes the outbox entries of each committed placement (the outbox publisher)
   * @param cipher encrypts each order's address in the placement's transaction
   */
  OrderPlacement(
      Database database,
      String exchange,
      Clock clock,
      OrderProjector projector,
      Consumer<List<OutboxEntry>> committed,
      AddressCipher cipher) {
    this.cipher = Objects.requireNonNull(cipher, "cipher");
    this.exchange = Objects.requireNonNull(exchange, "exchange");
    this.keys = new IdempotencyKeys(clock);
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

  /**
   * Places {@code order} in the next group: the future completes after the commit (on the group
   * commit's thread), or fails as {@link GroupCommit#submit} says, or with a {@link
   * IdempotencyKeys.KeyReusedException} when the key placed another request's order. A placement
   * that lost the race for its key to another transaction runs once more and finds that order.
   *
   * @param idempotencyKey null when the client sent none
   */
  CompletableFuture<Placed> placeWithoutWaiting(NewOrder order, String idempotencyKey) {
    GroupCommit.Write<Placed> write = placing(order, idempotencyKey);
    return groups
        .submit(write)
        .exceptionallyCompose(
            failure ->
                IdempotencyKeys.raced(failure)
                    ? groups.submit(write)
                    : CompletableFuture.failedFuture(failure));
  }

  private GroupCommit.Write<Placed> placing(NewOrder order, String idempotencyKey) {
    String orderId = UUID.randomUUID().toString();
    return transaction ->
        keys.once(
            transaction,
            idempotencyKey,
            order.fingerprint(),
            orderId,
            same -> create(same, order, orderId),
            (same, earlier) -> new Written<>(new Placed(earlier, true), List.of()));
  }

  private Written<Placed> create(Connection transaction, NewOrder order, String orderId)
      throws SQLException {
    EventEnvelope created =
        EventEnvelope.first(order.toEvent(orderId, cipher, transaction), SOURCE);
    OutboxEntry entry = Outbox.add(transaction, exchange, created);
    projector.recordFirst(transaction, created, entry.message().body());
    return new Written<>(new Placed(orderId, false), List.of(entry));
  }
}
