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
 * Reserves stock for an {@code OrderCreated}, the whole order or nothing: emits {@code
 * InventoryReserved}, or {@code InventoryRejected} with every shortage, in the runtime's
 * transaction. Each order gets one decision: a repeat under another eventId changes no stock and
 * re-emits the decision taken; an order cancelled before it got here emits nothing. Stateless;
 * concurrent calls never oversell, because every decrement is conditional.
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
   * The decision for one order in the caller's transaction: each method answers the events to emit
   * (none for an order cancelled before it was reserved), or empty when it could not decide.
   */
  private static final class OrderDecision {
    final OrderCreated order;
    final String orderId;
    final SortedMap<String, Integer> wanted;
    final Connection connection;
    final Reservations reservations;
    final StockLedger ledger;
    final long now;

    OrderDecision(OrderCreated order, Connection connection, long now) {
      this.order = order;
      this.orderId = order.orderId();
      this.wanted = quantitiesByProduct(order);
      this.connection = connection;
      this.reservations = new Reservations(connection);
      this.ledger = new StockLedger(connection);
      this.now = now;
    }

    /**
     * On PostgreSQL, an order of one product reserved, or rejected for a known product, in one
     * round trip; empty (nothing changed) for what that statement leaves to the general path.
     */
    Optional<List<EventPayload>> inOneStatement() throws SQLException {
      if (wanted.size() != 1 || !OneStatementReservation.supports(connection)) {
        return Optional.empty();
      }
      String productId = wanted.firstKey();
      int quantity = wanted.get(productId);
      String reservationId = UUID.randomUUID().toString();
      OneStatementReservation.Result result =
          OneStatementReservation.reserve(
              connection, orderId, reservationId, productId, quantity, now);
      if (result.reserved()) {
        return reserved(reservationId, List.of(new ReservedItem(productId, quantity)));
      }
      if (result.taken()) {
        // Another transaction claimed (or cancelled) the order after the statement's snapshot.
        ledger.undoReserve(productId, quantity);
        return earlier();
      }
      if (result.decidedBefore() || result.available() == null || result.available() >= quantity) {
        return Optional.empty();
      }
      return rejected(List.of(new Shortage(productId, quantity, result.available())));
    }

    /** Reserves or rejects the order never decided; empty if stock kept changing meanwhile. */
    Optional<List<EventPayload>> decide(int defaultStock) throws SQLException {
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

    private Optional<List<EventPayload>> take() throws SQLException {
      String reservationId = UUID.randomUUID().toString();
      if (wanted.size() == 1) {
        // No savepoint: take the stock, then claim; only a lost claim puts the stock back.
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
      Savepoint beforeReserving = connection.setSavepoint();
      if (!reservations.claim(orderId, reservationId, now)) {
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
      return reserved(reservationId, items);
    }

    private Optional<List<EventPayload>> reject() throws SQLException {
      List<Shortage> shortages = new ArrayList<>();
      for (Map.Entry<String, Integer> item : wanted.entrySet()) {
        int available = ledger.available(item.getKey()).orElse(0);
        if (available < item.getValue()) {
          shortages.add(new Shortage(item.getKey(), item.getValue(), available));
        }
      }
      return shortages.isEmpty() ? Optional.empty() : rejected(shortages);
    }

    /** The rejection, or the decision a concurrent transaction took first. */
    private Optional<List<EventPayload>> rejected(List<Shortage> shortages) throws SQLException {
      if (!reservations.reject(orderId, shortages, now)) {
        return earlier();
      }
      return Optional.of(List.of(new InventoryRejected(orderId, shortages)));
    }

    private Optional<List<EventPayload>> reserved(String reservationId, List<ReservedItem> items) {
      return Optional.of(
          List.of(new InventoryReserved(orderId, reservationId, items, order.shippingAddress())));
    }

    /**
     * The decision already taken, announced again: the reservation (or its release), the rejection,
     * or nothing for an order cancelled before it was reserved. Empty if never decided.
     */
    Optional<List<EventPayload>> earlier() throws SQLException {
      if (!reservations.everDecided(orderId)) {
        return Optional.empty();
      }
      Optional<Reservations.Reservation> found = reservations.forOrder(orderId);
      if (found.isEmpty() || found.get().items().isEmpty()) {
        Optional<List<EventPayload>> rejection =
            reservations
                .rejectionOf(orderId)
                .<List<EventPayload>>map(
                    shortages -> List.of(new InventoryRejected(orderId, shortages)));
        return found.isEmpty() ? rejection : Optional.of(rejection.orElse(List.of()));
      }
      Reservations.Reservation reservation = found.get();
      if (!reservation.released()) {
        return reserved(reservation.reservationId(), reservation.items());
      }
      return Optional.of(
          List.of(
              new InventoryReleased(
                  orderId,
                  reservation.reservationId(),
                  reservation.items(),
                  reservation.releaseReason())));
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
