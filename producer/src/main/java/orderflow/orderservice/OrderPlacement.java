package orderflow.orderservice;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
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
 * Places an order: its {@code OrderCreated} (address encrypted), read-model row, outbox entry and
 * idempotency key in one transaction, shared with concurrent placements ({@link GroupCommit}). So
 * an order exists if and only if its event will be published, and a retry with the same key finds
 * the first order. Thread-safe.
 */
final class OrderPlacement {
  static final String SOURCE = "order-service";

  private final String exchange;
  private final OrderProjector projector;
  private final GroupCommit groups;
  private final IdempotencyKeys keys;
  private final AddressCipher cipher;

  OrderPlacement(
      Database database,
      String exchange,
      Clock clock,
      OrderProjector projector,
      Consumer<List<OutboxEntry>> committed,
      AddressCipher cipher) {
    this.cipher = cipher;
    this.exchange = exchange;
    this.keys = new IdempotencyKeys(clock);
    this.projector = projector;
    this.groups = new GroupCommit(database, committed);
  }

  /** {@code replayed}: the key had already placed this order and nothing was written. */
  record Placed(String orderId, boolean replayed) {}

  /**
   * Completes after the commit, or fails as {@link GroupCommit#submit} says or with {@link
   * IdempotencyKeys.KeyReusedException}. A placement that lost the race for its key runs once more.
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
    String fingerprint = idempotencyKey == null ? null : order.fingerprint();
    return transaction ->
        keys.once(
            transaction,
            idempotencyKey,
            fingerprint,
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
