package orderflow.shipping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import orderflow.consume.EventHandler;
import orderflow.consume.ServiceDefinition;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventPayload;
import orderflow.envelope.EventType;
import orderflow.envelope.OrderCancelled;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.OrderItem;
import orderflow.envelope.ShippingAddress;
import orderflow.inventory.InventoryService;
import orderflow.orderservice.OrderFold;
import orderflow.orderservice.OrderState;
import orderflow.orderservice.OrderStatus;
import orderflow.store.Database;
import orderflow.testing.RecordingContext;
import orderflow.testing.TestDatabases;
import orderflow.topology.Topology;

/**
 * The saga's race, hunted per seed: inventory's and shipping's real handlers on real SQLite files,
 * fed orders, cancellations at random moments, and events delivered again under new event ids (an
 * operator's replay, the legacy bridge), every queue delivering in a random order. After the queues
 * drain, the invariants of docs/architecture.md section 2 must hold. jqwik prints the failing seed
 * and shrinks it; {@code @Property(seed = "...")} replays one.
 *
 * <p>Exact redeliveries (the same event id) are the inbox's job and tested with the runtime; this
 * test is about what the handlers decide, so every delivery here reaches its handler.
 */
class SagaRaceTest {
  private static final List<String> PRODUCTS = List.of("sku-1", "sku-2", "sku-3");
  private static final int DEFAULT_STOCK = 12;

  @Property(tries = 40)
  void everyOrderEndsInOneStateOnWhichAllServicesAgreeAndNoStockLeaks(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 25) int orders,
      @ForAll @IntRange(min = 0, max = 100) int cancelPercent,
      @ForAll @IntRange(min = 0, max = 50) int repeatPercent)
      throws Exception {
    Path dir = Files.createTempDirectory("saga-race");
    try (Saga saga = new Saga(dir)) {
      saga.run(new Random(seed), orders, cancelPercent, repeatPercent);
      saga.checkInvariants();
    }
  }

  /** Both services, their queues as lists, and every event each order produced. */
  private static final class Saga implements AutoCloseable {
    private final Database inventory;
    private final Database shipping;
    private final Map<EventType, EventHandler> inventoryHandlers;
    private final Map<EventType, EventHandler> shippingHandlers;
    private final List<EventEnvelope> inventoryQueue = new ArrayList<>();
    private final List<EventEnvelope> shippingQueue = new ArrayList<>();
    private final Map<String, List<EventEnvelope>> eventsByOrder = new HashMap<>();
    private final Map<String, OrderCreated> created = new HashMap<>();

    Saga(Path dir) throws SQLException {
      ServiceDefinition inventoryService = InventoryService.definition(DEFAULT_STOCK);
      ServiceDefinition shippingService = ShippingService.definition(Clock.systemUTC());
      inventory = Database.open(TestDatabases.sqlite(dir));
      inventory.migrate(inventoryService.name());
      shipping = Database.open(TestDatabases.sqlite(dir));
      shipping.migrate(shippingService.name());
      inventoryHandlers = inventoryService.handlers();
      shippingHandlers = shippingService.handlers();
    }

    void run(Random random, int orders, int cancelPercent, int repeatPercent) throws Exception {
      List<EventEnvelope> cancellations = new ArrayList<>();
      for (int i = 0; i < orders; i++) {
        String orderId = "order-" + i;
        List<OrderItem> items = new ArrayList<>();
        for (String product : PRODUCTS) {
          if (items.isEmpty() || random.nextInt(3) == 0) {
            items.add(new OrderItem(product, 1 + random.nextInt(5), BigDecimal.ONE));
          }
        }
        ShippingAddress address =
            random.nextInt(5) == 0 ? ShippingAddress.country("AQ") : ShippingAddress.country("NL");
        OrderCreated order = OrderCreated.of(orderId, "c", items, address);
        created.put(orderId, order);
        publish(EventEnvelope.first(order, "producer"));
        if (random.nextInt(100) < cancelPercent) {
          cancellations.add(EventEnvelope.first(new OrderCancelled(orderId, "changed mind"), "p"));
        }
      }
      while (!inventoryQueue.isEmpty() || !shippingQueue.isEmpty() || !cancellations.isEmpty()) {
        int choice = random.nextInt(3);
        if (choice == 0 && !cancellations.isEmpty()) {
          publish(cancellations.remove(random.nextInt(cancellations.size())));
        } else if (choice == 1 && !inventoryQueue.isEmpty()) {
          deliver(random, inventoryQueue, inventory, inventoryHandlers, repeatPercent);
        } else if (!shippingQueue.isEmpty()) {
          deliver(random, shippingQueue, shipping, shippingHandlers, repeatPercent);
        } else if (!inventoryQueue.isEmpty()) {
          deliver(random, inventoryQueue, inventory, inventoryHandlers, repeatPercent);
        }
      }
    }

    private void deliver(
        Random random,
        List<EventEnvelope> queue,
        Database database,
        Map<EventType, EventHandler> handlers,
        int repeatPercent)
        throws Exception {
      EventEnvelope event = queue.remove(random.nextInt(queue.size()));
      if (random.nextInt(100) < repeatPercent) {
        // The same event again, later, under a new id: the handler, not the inbox, must see it.
        queue.add(
            new EventEnvelope(
                UUID.randomUUID(),
                event.eventType(),
                event.timestamp(),
                event.payload(),
                event.metadata()));
      }
      List<EventPayload> emitted;
      try (Connection connection = database.open()) {
        RecordingContext context = new RecordingContext(connection);
        handlers.get(event.eventType()).handle(event, context);
        connection.commit();
        emitted = context.emitted();
      }
      for (EventPayload payload : emitted) {
        publish(EventEnvelope.causedBy(event, payload, "service"));
      }
    }

    /** Routes an event as the topology binds it; every event is also kept for the order view. */
    private void publish(EventEnvelope event) {
      eventsByOrder.computeIfAbsent(event.payload().orderId(), id -> new ArrayList<>()).add(event);
      if (Topology.INVENTORY_EVENTS.contains(event.eventType())) {
        inventoryQueue.add(event);
      }
      if (Topology.SHIPPING_EVENTS.contains(event.eventType())) {
        shippingQueue.add(event);
      }
    }

    void checkInvariants() throws SQLException {
      Map<String, Integer> shippedUnits = new HashMap<>();
      Set<String> releasedOrders = new HashSet<>(releasedOrders());
      for (Map.Entry<String, OrderCreated> entry : created.entrySet()) {
        String orderId = entry.getKey();
        OrderState state = OrderFold.fold(orderId, eventsByOrder.get(orderId));
        String outcome = shippingOutcome(orderId);
        boolean holdsStock = holdsStock(orderId);
        boolean rejected = rejected(orderId);
        assertTrue(state.status().terminal(), orderId + " ended " + state.status());
        switch (state.status()) {
          case SHIPPED -> {
            assertEquals("SHIPPED", outcome, orderId);
            assertTrue(holdsStock, orderId + " shipped without its stock");
            assertTrue(!releasedOrders.contains(orderId), orderId + " shipped and released");
            entry
                .getValue()
                .items()
                .forEach(i -> shippedUnits.merge(i.productId(), i.quantity(), Integer::sum));
          }
          case CANCELLED -> {
            assertEquals("CANCELLED", outcome, orderId);
            assertTrue(!holdsStock && !rejected, orderId + " cancelled but holds or rejected");
          }
          case FAILED -> {
            assertEquals("FAILED", outcome, orderId);
            assertTrue(
                !holdsStock && releasedOrders.contains(orderId), orderId + " failed, not released");
          }
          case REJECTED -> {
            assertTrue(rejected && !holdsStock, orderId + " rejected but holds stock");
            assertTrue(
                !"SHIPPED".equals(outcome) && !"FAILED".equals(outcome), orderId + " " + outcome);
          }
          default -> throw new AssertionError(orderId + " in " + state.status());
        }
        if (state.status() != OrderStatus.SHIPPED) {
          assertEquals(
              0, count(shipping, "SELECT COUNT(*) FROM shipments WHERE order_id = ?", orderId));
        }
      }
      for (String product : PRODUCTS) {
        long available = stock(product, "available");
        long reserved = stock(product, "reserved");
        long ledger =
            sum(
                "SELECT COALESCE(SUM(delta), 0) FROM stock_movements WHERE product_id = ?",
                product);
        long initial =
            sum(
                "SELECT COALESCE(SUM(delta), 0) FROM stock_movements WHERE product_id = ?"
                    + " AND kind IN ('initial', 'adjustment')",
                product);
        long shipped = shippedUnits.getOrDefault(product, 0);
        assertEquals(initial, available + reserved, product + ": units leaked or created");
        assertEquals(shipped, reserved, product + ": stock held for orders that did not ship");
        assertEquals(available, ledger, product + ": read model and ledger disagree");
      }
      assertEquals(
          0,
          sum(
              "SELECT COUNT(*) FROM (SELECT reservation_id, product_id FROM stock_movements"
                  + " WHERE kind = 'release' GROUP BY reservation_id, product_id HAVING COUNT(*) > 1) x",
              null),
          "a reservation released twice");
      assertEquals(
          0,
          count(
              shipping,
              "SELECT COUNT(*) FROM (SELECT order_id FROM shipments GROUP BY order_id"
                  + " HAVING COUNT(*) > 1) x",
              null),
          "an order shipped twice");
    }

    private List<String> releasedOrders() throws SQLException {
      List<String> orders = new ArrayList<>();
      try (Connection connection = inventory.open();
          PreparedStatement select =
              connection.prepareStatement(
                  "SELECT DISTINCT order_id FROM stock_movements WHERE kind = 'release'");
          ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          orders.add(rows.getString(1));
        }
        connection.commit();
      }
      return orders;
    }

    private String shippingOutcome(String orderId) throws SQLException {
      try (Connection connection = shipping.open();
          PreparedStatement select =
              connection.prepareStatement(
                  "SELECT outcome FROM order_outcomes WHERE order_id = ?")) {
        select.setString(1, orderId);
        try (ResultSet rows = select.executeQuery()) {
          String outcome = rows.next() ? rows.getString(1) : null;
          connection.commit();
          return outcome;
        }
      }
    }

    private boolean holdsStock(String orderId) throws SQLException {
      return count(
              inventory,
              "SELECT COUNT(*) FROM reservations r JOIN reservation_items i"
                  + " ON i.reservation_id = r.reservation_id"
                  + " WHERE r.order_id = ? AND r.released_at IS NULL",
              orderId)
          > 0;
    }

    private boolean rejected(String orderId) throws SQLException {
      return count(inventory, "SELECT COUNT(*) FROM rejected_orders WHERE order_id = ?", orderId)
          > 0;
    }

    private long stock(String product, String column) throws SQLException {
      return sum(
          "SELECT COALESCE(SUM(" + column + "), 0) FROM stock WHERE product_id = ?", product);
    }

    private long sum(String sql, String parameter) throws SQLException {
      return count(inventory, sql, parameter);
    }

    private static long count(Database database, String sql, String parameter) throws SQLException {
      try (Connection connection = database.open();
          PreparedStatement select = connection.prepareStatement(sql)) {
        if (parameter != null) {
          select.setString(1, parameter);
        }
        try (ResultSet rows = select.executeQuery()) {
          rows.next();
          long value = rows.getLong(1);
          connection.commit();
          return value;
        }
      }
    }

    @Override
    public void close() {
      inventory.close();
      shipping.close();
    }
  }
}
