package orderflow.inventory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
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
import orderflow.envelope.ShipmentCancelled;
import orderflow.envelope.ShipmentFailed;
import orderflow.envelope.Shortage;
import orderflow.store.Sql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An order reserves the whole order or nothing, decided once (a repeat re-emits the decision); a
 * shipment's cancellation or failure releases it once, or marks an order not reserved yet so that
 * it never will be. Every decrement is conditional, so concurrent calls never oversell.
 */
public final class InventoryHandler implements EventHandler {
  public static final int DEFAULT_STOCK = 100;

  private static final Logger log = LoggerFactory.getLogger(InventoryHandler.class);

  /** Attempts when stock rose between a failed decrement and the shortage read. */
  private static final int MAX_DECISION_ATTEMPTS = 3;

  /**
   * On PostgreSQL, an order of one product decided in one round trip, each step a guarded CTE; what
   * it cannot settle (an unknown product, a shortage stock may have risen past) goes the general
   * way, the only one on SQLite.
   */
  private static final String RESERVE_IN_ONE_STATEMENT =
      "WITH p AS (SELECT CAST(? AS VARCHAR) AS order_id, CAST(? AS VARCHAR) AS reservation_id,"
          + " CAST(? AS VARCHAR) AS product_id, CAST(? AS INTEGER) AS quantity,"
          + " CAST(? AS BIGINT) AS now),"
          + " decided AS ("
          + " SELECT EXISTS (SELECT 1 FROM reservations r, p WHERE r.order_id = p.order_id)"
          + " OR EXISTS (SELECT 1 FROM rejected_orders r, p WHERE r.order_id = p.order_id) AS yes),"
          + " taken AS ("
          + " UPDATE stock s SET available = available - p.quantity,"
          + " reserved = reserved + p.quantity, version = version + 1 FROM p"
          + " WHERE s.product_id = p.product_id AND available >= p.quantity"
          + " AND NOT (SELECT yes FROM decided) RETURNING s.product_id),"
          + " claimed AS ("
          + " INSERT INTO reservations (reservation_id, order_id, created_at)"
          + " SELECT p.reservation_id, p.order_id, p.now FROM taken, p"
          + " ON CONFLICT (order_id) DO NOTHING RETURNING reservation_id),"
          + " item AS ("
          + " INSERT INTO reservation_items (reservation_id, product_id, quantity)"
          + " SELECT c.reservation_id, p.product_id, p.quantity FROM claimed c, p),"
          + " movement AS ("
          + " INSERT INTO stock_movements"
          + " (product_id, delta, kind, order_id, reservation_id, reason, created_at)"
          + " SELECT p.product_id, -p.quantity, '"
          + StockLedger.RESERVATION
          + "', p.order_id, c.reservation_id, NULL, p.now FROM claimed c, p)"
          + " SELECT (SELECT COUNT(*) FROM taken), (SELECT COUNT(*) FROM claimed),"
          + " (SELECT yes FROM decided),"
          + " (SELECT available FROM stock s, p WHERE s.product_id = p.product_id)";

  /** What the one statement did; {@code available} is from before it, null for a new product. */
  private record OneStatement(
      boolean taken, boolean claimed, boolean decidedBefore, Integer available) {}

  private final int defaultStock;

  public InventoryHandler(int defaultStock) {
    if (defaultStock < 0) {
      throw new IllegalArgumentException("--default-stock must not be negative");
    }
    this.defaultStock = defaultStock;
  }

  /** Locks the batch's products in product id order, so instances never wait in a cycle. */
  @Override
  public void prepareBatch(List<EventEnvelope> events, Connection connection) throws SQLException {
    SortedSet<String> products = new TreeSet<>();
    Reservations reservations = new Reservations(connection);
    for (EventEnvelope event : events) {
      if (event.payload() instanceof OrderCreated order) {
        order.items().forEach(item -> products.add(item.productId()));
      } else {
        reservations
            .forOrder(event.payload().orderId())
            .ifPresent(held -> held.items().forEach(item -> products.add(item.productId())));
      }
    }
    StockLedger ledger = new StockLedger(connection);
    for (String productId : products) {
      if (!ledger.lock(productId)) {
        ledger.ensureKnown(productId, defaultStock, System.currentTimeMillis());
        ledger.lock(productId);
      }
    }
  }

  @Override
  public void handle(EventEnvelope event, HandlerContext context) throws SQLException {
    long now = System.currentTimeMillis();
    if (!(event.payload() instanceof OrderCreated order)) {
      release(event.payload(), context.connection(), now).ifPresent(context::emit);
      return;
    }
    Optional<List<EventPayload>> events =
        new Decision(order, context.connection(), now).make(defaultStock);
    String changing = "stock of order " + order.orderId() + " kept changing; retrying later";
    events.orElseThrow(() -> new TransientFailureException(changing)).forEach(context::emit);
  }

  /** Gives back what the order holds, once; the release to announce, if it ever held stock. */
  private static Optional<InventoryReleased> release(
      EventPayload verdict, Connection connection, long now) throws SQLException {
    String orderId = verdict.orderId();
    String reason =
        verdict instanceof ShipmentCancelled cancelled
            ? cancelled.reason()
            : ((ShipmentFailed) verdict).reason();
    Reservations reservations = new Reservations(connection);
    if (reservations.markCancelledBeforeReserved(orderId, reason, now)) {
      log.info("order {} will never ship and holds no stock; it will not be reserved", orderId);
      return Optional.empty();
    }
    Reservations.Reservation held =
        reservations
            .forOrder(orderId)
            // Only a concurrent writer rolling back can cause this: try again later.
            .orElseThrow(
                () -> new TransientFailureException("reservation of " + orderId + " gone"));
    if (held.items().isEmpty()) {
      return Optional.empty(); // Marked before: nothing was ever held.
    }
    if (!reservations.markReleased(orderId, reason, now)) {
      reason = held.releaseReason();
    } else {
      StockLedger ledger = new StockLedger(connection);
      for (ReservedItem item : held.items()) {
        ledger.release(item, orderId, held.reservationId(), reason, now);
      }
      log.info("order {}: reservation {} released ({})", orderId, held.reservationId(), reason);
    }
    return Optional.of(new InventoryReleased(orderId, held.reservationId(), held.items(), reason));
  }

  /** Each method answers the events to emit, or empty when it could not decide. */
  private record Decision(
      OrderCreated order,
      String orderId,
      List<ReservedItem> wanted,
      Connection connection,
      Reservations reservations,
      StockLedger ledger,
      long now) {
    Decision(OrderCreated order, Connection connection, long now) {
      this(
          order,
          order.orderId(),
          quantitiesByProduct(order),
          connection,
          new Reservations(connection),
          new StockLedger(connection),
          now);
    }

    /** {@link #RESERVE_IN_ONE_STATEMENT}; empty (nothing changed) for what it leaves. */
    private Optional<List<EventPayload>> inOneStatement() throws SQLException {
      if (wanted.size() != 1 || !connection.isWrapperFor(org.postgresql.PGConnection.class)) {
        return Optional.empty();
      }
      ReservedItem item = wanted.get(0);
      String reservationId = UUID.randomUUID().toString();
      OneStatement result =
          Sql.first(
                  connection,
                  RESERVE_IN_ONE_STATEMENT,
                  row ->
                      new OneStatement(
                          row.getLong(1) == 1,
                          row.getLong(2) == 1,
                          row.getBoolean(3),
                          row.getObject(4, Integer.class)),
                  orderId,
                  reservationId,
                  item.productId(),
                  item.quantity(),
                  now)
              .orElseThrow();
      if (result.taken() && result.claimed()) {
        return reserved(reservationId);
      }
      if (result.taken()) {
        // Another transaction claimed (or cancelled) the order after the statement's snapshot.
        ledger.undoReserve(item.productId(), item.quantity());
        return earlier();
      }
      if (result.decidedBefore()
          || result.available() == null
          || result.available() >= item.quantity()) {
        return Optional.empty();
      }
      return rejected(List.of(new Shortage(item.productId(), item.quantity(), result.available())));
    }

    /** The decision, taken now or before; empty if stock kept changing meanwhile. */
    Optional<List<EventPayload>> make(int defaultStock) throws SQLException {
      Optional<List<EventPayload>> events = inOneStatement();
      if (events.isEmpty()) {
        events = earlier();
      }
      if (events.isPresent()) {
        return events;
      }
      for (ReservedItem item : wanted) {
        ledger.ensureKnown(item.productId(), defaultStock, now);
      }
      for (int attempt = 1; attempt <= MAX_DECISION_ATTEMPTS && events.isEmpty(); attempt++) {
        events = take();
      }
      return events;
    }

    /** Takes the stock in product id order (no lock cycle), then claims the order. */
    private Optional<List<EventPayload>> take() throws SQLException {
      List<ReservedItem> taken = new ArrayList<>();
      for (ReservedItem item : wanted) {
        if (!ledger.tryReserve(item.productId(), item.quantity())) {
          undo(taken);
          return reject();
        }
        taken.add(item);
      }
      String reservationId = UUID.randomUUID().toString();
      if (!reservations.claim(orderId, reservationId, now)) {
        undo(taken);
        return earlier();
      }
      for (ReservedItem item : wanted) {
        reservations.addItem(reservationId, item);
        ledger.recordReservation(item, orderId, reservationId, now);
      }
      return reserved(reservationId);
    }

    private void undo(List<ReservedItem> taken) throws SQLException {
      for (ReservedItem item : taken) {
        ledger.undoReserve(item.productId(), item.quantity());
      }
    }

    private Optional<List<EventPayload>> reject() throws SQLException {
      List<Shortage> shortages = new ArrayList<>();
      for (ReservedItem item : wanted) {
        int available =
            ledger.level(item.productId()).map(StockLedger.StockLevel::available).orElse(0);
        if (available < item.quantity()) {
          shortages.add(new Shortage(item.productId(), item.quantity(), available));
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

    private Optional<List<EventPayload>> reserved(String reservationId) {
      return Optional.of(
          List.of(new InventoryReserved(orderId, reservationId, wanted, order.shippingAddress())));
    }

    /** The decision already taken, announced again (nothing for an order cancelled first). */
    private Optional<List<EventPayload>> earlier() throws SQLException {
      if (!reservations.everDecided(orderId)) {
        return Optional.empty();
      }
      Optional<Reservations.Reservation> found = reservations.forOrder(orderId);
      if (found.isPresent() && !found.get().items().isEmpty()) {
        Reservations.Reservation held = found.get();
        return Optional.of(
            List.of(
                held.releaseReason() != null
                    ? new InventoryReleased(
                        orderId, held.reservationId(), held.items(), held.releaseReason())
                    : new InventoryReserved(
                        orderId, held.reservationId(), held.items(), order.shippingAddress())));
      }
      Optional<List<EventPayload>> rejection =
          reservations
              .rejectionOf(orderId)
              .<List<EventPayload>>map(
                  shortages -> List.of(new InventoryRejected(orderId, shortages)));
      return found.isEmpty() ? rejection : Optional.of(rejection.orElse(List.of()));
    }
  }

  /** One item per product, in product id order: two lines of one product are one demand. */
  private static List<ReservedItem> quantitiesByProduct(OrderCreated order) {
    SortedMap<String, Integer> wanted = new TreeMap<>();
    for (OrderItem item : order.items()) {
      try {
        wanted.merge(item.productId(), item.quantity(), Math::addExact);
      } catch (ArithmeticException e) {
        throw new PermanentFailureException(
            "order " + order.orderId() + " asks for more of " + item.productId() + " than fits");
      }
    }
    return wanted.entrySet().stream()
        .map(item -> new ReservedItem(item.getKey(), item.getValue()))
        .toList();
  }
}
