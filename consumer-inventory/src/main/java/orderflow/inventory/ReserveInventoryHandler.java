package orderflow.inventory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import orderflow.consume.EventHandler;
import orderflow.consume.HandlerContext;
import orderflow.consume.PermanentFailureException;
import orderflow.consume.TransientFailureException;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventPayload;
import orderflow.envelope.InventoryRejected;
import orderflow.envelope.InventoryReleased;
import orderflow.envelope.InventoryReserved;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.OrderItem;
import orderflow.envelope.ReservedItem;
import orderflow.envelope.Shortage;

/**
 * Reserves stock for an {@code OrderCreated}: the whole order or nothing. Emits {@code
 * InventoryReserved} or, when an item is short, {@code InventoryRejected} listing every shortage (a
 * business outcome, not a failure). Runs inside the runtime's transaction, so the reservation, the
 * ledger rows, the read model and the emitted event commit together.
 *
 * <p>An order that shipping cancelled before it got here ({@link ReleaseReservationHandler} left a
 * mark) is not reserved at all: the cancellation wins, and nothing is emitted.
 *
 * <p>Each order gets exactly one decision. The inbox stops a redelivered event (same eventId) from
 * reaching this handler twice, but the same order can also arrive under another eventId (the legacy
 * bridge and the producer both sent it, or an operator replayed it). Such a repeat changes no
 * stock: it re-emits the decision already taken (the same reservationId, or the same shortages), so
 * a saga waiting for an answer still completes and shipping, which is idempotent per order, ships
 * once.
 *
 * <p>Thread-safe: it keeps no state between calls; concurrent calls (also from other processes on
 * the same PostgreSQL) never oversell, because every decrement is conditional.
 */
public final class ReserveInventoryHandler implements EventHandler {
  public static final int DEFAULT_STOCK = 100;

  /** Decisions re-taken when stock rose between a failed decrement and the shortage read. */
  private static final int MAX_DECISION_ATTEMPTS = 3;

  private final int defaultStock;
  private final Clock clock;
  private final BatchStockLocks batchLocks;

  public ReserveInventoryHandler(int defaultStock) {
    this(defaultStock, Clock.systemUTC());
  }

  ReserveInventoryHandler(int defaultStock, Clock clock) {
    if (defaultStock < 0) {
      throw new IllegalArgumentException("--default-stock must not be negative");
    }
    this.defaultStock = defaultStock;
    this.clock = clock;
    this.batchLocks = new BatchStockLocks(defaultStock);
  }

  @Override
  public void prepareBatch(List<EventEnvelope> events, Connection connection) throws SQLException {
    batchLocks.lock(events, connection, clock.millis());
  }

  @Override
  public void handle(EventEnvelope event, HandlerContext context) throws SQLException {
    OrderCreated order = event.payloadAs(OrderCreated.class);
    OrderDecision decision = new OrderDecision(order, context.connection(), clock.millis());
    Optional<List<EventPayload>> events = decision.inOneStatement();
    if (events.isEmpty()) {
      events = decision.earlier();
    }
    if (events.isEmpty()) {
      events = decision.decide(defaultStock);
    }
    events
        .orElseThrow(
            () ->
                new TransientFailureException(
                    "stock of order "
                        + order.orderId()
                        + " kept changing while deciding; retrying later"))
        .forEach(context::emit);
  }

  /**
   * The decision for one order in the caller's transaction. Each method answers the events to emit
   * (none for an order cancelled before it was reserved), or empty when no decision could be made.
   */
  private static final class OrderDecision {
    final OrderCreated order;
    final String orderId;
    SortedMap<String, Integer> wanted;
    final Connection connection;
    final Reservations reservations;
    final StockLedger ledger;
    final long now;

    OrderDecision(OrderCreated order, Connection connection, long now) {
      this.order = order;
      this.orderId = order.orderId();
      this.connection = connection;
      this.reservations = new Reservations(connection);
      this.ledger = new StockLedger(connection);
      this.now = now;
    }

    /**
     * On PostgreSQL, an order of one product decided in one round trip ({@link
     * OneStatementReservation}) when it is reserved, or rejected for a known product; empty for
     * whatever that statement leaves to the general path (it then changed nothing).
     */
    Optional<List<EventPayload>> inOneStatement() throws SQLException {
      wanted = quantitiesByProduct(order);
      if (wanted.size() != 1 || !OneStatementReservation.supports(connection)) {
        return Optional.empty();
      }
      String productId = wanted.firstKey();
      int quantity = wanted.get(productId);
      String reservationId = UUID.randomUUID().toString();
      OneStatementReservation.Result result =
          new OneStatementReservation(connection)
              .reserve(orderId, reservationId, productId, quantity, now);
      if (result.reserved()) {
        return Optional.of(
            List.of(
                new InventoryReserved(
                    orderId,
                    reservationId,
                    List.of(new ReservedItem(productId, quantity)),
                    order.shippingAddress())));
      }
      if (result.taken()) {
        // Another transaction claimed (or cancelled) the order after the statement's snapshot.
        ledger.undoReserve(productId, quantity);
        return earlier();
      }
      if (result.decidedBefore() || result.available() == null || result.available() >= quantity) {
        return Optional.empty();
      }
      List<Shortage> shortages = List.of(new Shortage(productId, quantity, result.available()));
      if (!reservations.reject(orderId, shortages, now)) {
        return earlier();
      }
      return Optional.of(List.of(new InventoryRejected(orderId, shortages)));
    }

    /** Reserves or rejects the order never decided; empty if stock kept changing meanwhile. */
    Optional<List<EventPayload>> decide(int defaultStock) throws SQLException {
      wanted = quantitiesByProduct(order);
      for (String productId : wanted.keySet()) {
        ledger.ensureKnown(productId, defaultStock, now);
      }
      for (int attempt = 1; attempt <= MAX_DECISION_ATTEMPTS; attempt++) {
        Optional<List<EventPayload>> taken = take();
        if (taken.isPresent()) {
          return taken;
        }
      }
      return Optional.empty();
    }

    /** One try; empty if stock changed in between: try again. */
    private Optional<List<EventPayload>> take() throws SQLException {
      String reservationId = UUID.randomUUID().toString();
      if (wanted.size() == 1) {
        return takeOneProduct(reservationId);
      }
      Savepoint beforeReserving = connection.setSavepoint();
      if (!reservations.claim(orderId, reservationId, now)) {
        // Another transaction reserved (or cancelled) this order between our check and our claim.
        connection.rollback(beforeReserving);
        connection.releaseSavepoint(beforeReserving);
        return earlier();
      }
      // Product id order: two transactions lock the same rows in the same order, never a cycle.
      for (Map.Entry<String, Integer> item : wanted.entrySet()) {
        if (!ledger.tryReserve(item.getKey(), item.getValue())) {
          connection.rollback(beforeReserving);
          connection.releaseSavepoint(beforeReserving);
          return reject();
        }
      }
      Optional<List<EventPayload>> reserved = record(reservationId);
      connection.releaseSavepoint(beforeReserving);
      return reserved;
    }

    /**
     * The common order, one product, without a savepoint (two round trips on PostgreSQL): take the
     * stock first, then claim the order; only a claim lost to a concurrent decision (another
     * instance, or a cancellation mark) has the stock put back by hand.
     */
    private Optional<List<EventPayload>> takeOneProduct(String reservationId) throws SQLException {
      String productId = wanted.firstKey();
      int quantity = wanted.get(productId);
      if (!ledger.tryReserve(productId, quantity)) {
        return reject();
      }
      if (!reservations.claim(orderId, reservationId, now)) {
        ledger.undoReserve(productId, quantity);
        return earlier();
      }
      return record(reservationId);
    }

    /** Records the stock taken as the order's reservation, with its movements. */
    private Optional<List<EventPayload>> record(String reservationId) throws SQLException {
      List<ReservedItem> items = new ArrayList<>();
      for (Map.Entry<String, Integer> item : wanted.entrySet()) {
        ReservedItem reserved = new ReservedItem(item.getKey(), item.getValue());
        reservations.addItem(reservationId, reserved);
        ledger.appendMovement(
            reserved.productId(),
            -reserved.quantity(),
            StockLedger.RESERVATION,
            orderId,
            reservationId,
            null,
            now);
        items.add(reserved);
      }
      return Optional.of(
          List.of(new InventoryReserved(orderId, reservationId, items, order.shippingAddress())));
    }

    private Optional<List<EventPayload>> reject() throws SQLException {
      List<Shortage> shortages = new ArrayList<>();
      for (Map.Entry<String, Integer> item : wanted.entrySet()) {
        int available = ledger.available(item.getKey()).orElse(0);
        if (available < item.getValue()) {
          shortages.add(new Shortage(item.getKey(), item.getValue(), available));
        }
      }
      if (shortages.isEmpty()) {
        return Optional.empty();
      }
      if (!reservations.reject(orderId, shortages, now)) {
        return earlier();
      }
      return Optional.of(List.of(new InventoryRejected(orderId, shortages)));
    }

    /**
     * The decision already taken for the order, as the events that announce it again: its
     * reservation, its release if it was released since, its rejection, or nothing for an order
     * cancelled before it was reserved (the cancellation won; it holds no stock). Empty if the
     * order was never decided.
     */
    Optional<List<EventPayload>> earlier() throws SQLException {
      if (!reservations.everDecided(orderId)) {
        return Optional.empty();
      }
      Optional<Reservations.Reservation> found = reservations.forOrder(orderId);
      if (found.isEmpty()) {
        return reservations
            .rejectionOf(orderId)
            .map(shortages -> List.of(new InventoryRejected(orderId, shortages)));
      }
      Reservations.Reservation reservation = found.get();
      if (reservation.items().isEmpty()) {
        return Optional.of(
            reservations
                .rejectionOf(orderId)
                .<List<EventPayload>>map(s -> List.of(new InventoryRejected(orderId, s)))
                .orElse(List.of()));
      }
      return Optional.of(
          List.of(
              reservation.released()
                  ? new InventoryReleased(
                      orderId,
                      reservation.reservationId(),
                      reservation.items(),
                      reservation.releaseReason())
                  : new InventoryReserved(
                      orderId,
                      reservation.reservationId(),
                      reservation.items(),
                      order.shippingAddress())));
    }
  }

  /** The same product on two lines of one order is one demand of their sum. */
  static SortedMap<String, Integer> quantitiesByProduct(OrderCreated order) {
    SortedMap<String, Integer> wanted = new TreeMap<>();
    for (OrderItem item : order.items()) {
      try {
        wanted.merge(item.productId(), item.quantity(), Math::addExact);
      } catch (ArithmeticException e) {
        throw new PermanentFailureException(
            "order " + order.orderId() + " asks for more of " + item.productId() + " than fits");
      }
    }
    return wanted;
  }
}
