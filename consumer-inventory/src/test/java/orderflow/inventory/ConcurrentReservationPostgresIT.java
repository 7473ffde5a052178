package orderflow.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventPayload;
import orderflow.envelope.InventoryRejected;
import orderflow.envelope.InventoryReserved;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.OrderItem;
import orderflow.testing.RecordingContext;
import orderflow.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several workers, each with its own connection and transactions (as several service instances on
 * one PostgreSQL would have), compete for scarce stock. None may oversell, deadlock or fail.
 */
class ConcurrentReservationPostgresIT {
  private static final int WORKERS = 8;

  private TestInventoryDatabase database;

  @BeforeEach
  void createSchema() throws SQLException {
    database = new TestInventoryDatabase(TestDatabases.freshPostgresSchema());
  }

  @AfterEach
  void dropSchema() throws SQLException {
    database.close();
  }

  @Test
  void twoHundredSingleUnitOrdersForFiftyUnitsReserveExactlyFifty() throws Exception {
    // The product is new: the workers also race to give it its initial stock of 50.
    List<OrderCreated> orders = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      orders.add(order(List.of(item("scarce", 1))));
    }

    List<EventPayload> decisions = handleConcurrently(new InventoryHandler(50), orders);

    assertEquals(50, decisions.stream().filter(InventoryReserved.class::isInstance).count());
    assertEquals(150, decisions.stream().filter(InventoryRejected.class::isInstance).count());
    assertEquals(new StockLedger.StockLevel("scarce", 0, 50), level("scarce"));
    assertEquals(1, count("SELECT COUNT(*) FROM stock_movements WHERE kind = 'initial'"));
    assertEquals(50, count("SELECT COUNT(*) FROM reservations"));
    assertEquals(0, count("SELECT COALESCE(SUM(delta), 0) FROM stock_movements"));
  }

  @Test
  void ordersListingTheSameProductsInAnyOrderNeitherDeadlockNorOversell() throws Exception {
    Random random = new Random(7);
    List<OrderCreated> orders = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      List<OrderItem> items = new ArrayList<>(List.of(item("left", 1), item("right", 1)));
      Collections.shuffle(items, random);
      orders.add(order(items));
    }

    List<EventPayload> decisions = handleConcurrently(new InventoryHandler(30), orders);

    assertEquals(30, decisions.stream().filter(InventoryReserved.class::isInstance).count());
    assertEquals(new StockLedger.StockLevel("left", 0, 30), level("left"));
    assertEquals(new StockLedger.StockLevel("right", 0, 30), level("right"));
  }

  @Test
  void batchesNamingTheSameNewProductsInAnyOrderNeitherDeadlockNorOversell() throws Exception {
    // As two instances' batches meet on one PostgreSQL: without one lock order for the whole
    // batch, a batch holding product 7 and waiting for product 2 meets one holding 2 waiting for 7.
    Random random = new Random(11);
    List<String> products = new ArrayList<>();
    for (int p = 0; p < 10; p++) {
      products.add("batched-" + p);
    }
    List<OrderCreated> orders = new ArrayList<>();
    for (int i = 0; i < 800; i++) {
      List<String> shuffled = new ArrayList<>(products);
      Collections.shuffle(shuffled, random);
      orders.add(order(List.of(item(shuffled.get(0), 1), item(shuffled.get(1), 1))));
    }

    List<EventPayload> decisions = handleConcurrently(new InventoryHandler(50), orders, 25);

    long reserved = decisions.stream().filter(InventoryReserved.class::isInstance).count();
    assertEquals(
        orders.size(),
        reserved + decisions.stream().filter(InventoryRejected.class::isInstance).count());
    assertEquals(reserved, count("SELECT COUNT(*) FROM reservations"));
    for (String product : products) {
      StockLedger.StockLevel level = level(product);
      assertEquals(50, level.available() + level.reserved(), product);
    }
    assertEquals(2 * reserved, count("SELECT COALESCE(SUM(reserved), 0) FROM stock"));
    assertEquals(10, count("SELECT COUNT(*) FROM stock_movements WHERE kind = 'initial'"));
  }

  private List<EventPayload> handleConcurrently(InventoryHandler handler, List<OrderCreated> orders)
      throws Exception {
    return handleConcurrently(handler, orders, 1);
  }

  /**
   * Batches of {@code batchSize} orders, each batch in one transaction on its worker's connection
   * as the runtime applies them; fails on any exception.
   */
  private List<EventPayload> handleConcurrently(
      InventoryHandler handler, List<OrderCreated> orders, int batchSize) throws Exception {
    ConcurrentLinkedQueue<List<OrderCreated>> pending = new ConcurrentLinkedQueue<>();
    for (int from = 0; from < orders.size(); from += batchSize) {
      pending.add(orders.subList(from, Math.min(orders.size(), from + batchSize)));
    }
    ConcurrentLinkedQueue<EventPayload> decisions = new ConcurrentLinkedQueue<>();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
    try {
      List<Future<Void>> results = new ArrayList<>();
      for (int w = 0; w < WORKERS; w++) {
        results.add(
            workers.submit(
                () -> {
                  try (Connection connection = database.open()) {
                    start.await();
                    for (List<OrderCreated> batch = pending.poll();
                        batch != null;
                        batch = pending.poll()) {
                      List<EventEnvelope> events = new ArrayList<>();
                      for (OrderCreated order : batch) {
                        events.add(EventEnvelope.first(order, "producer"));
                      }
                      handler.prepareBatch(events, connection);
                      List<EventPayload> decided = new ArrayList<>();
                      for (EventEnvelope event : events) {
                        RecordingContext context = new RecordingContext(connection);
                        handler.handle(event, context);
                        decided.add(context.single());
                      }
                      connection.commit();
                      decisions.addAll(decided);
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<Void> result : results) {
        result.get(60, TimeUnit.SECONDS);
      }
    } finally {
      workers.shutdownNow();
      assertTrue(workers.awaitTermination(10, TimeUnit.SECONDS));
    }
    assertEquals(orders.size(), decisions.size());
    return new ArrayList<>(decisions);
  }

  private StockLedger.StockLevel level(String product) throws SQLException {
    try (Connection connection = database.open()) {
      return new StockLedger(connection).level(product).orElseThrow();
    }
  }

  private long count(String sql) throws SQLException {
    try (Connection connection = database.open();
        PreparedStatement statement = connection.prepareStatement(sql);
        ResultSet rows = statement.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static OrderCreated order(List<OrderItem> items) {
    // A mutable copy: Require.nonEmpty's contains(null) throws on List.of lists.
    return OrderCreated.of(UUID.randomUUID().toString(), "customer", new ArrayList<>(items));
  }

  private static OrderItem item(String product, int quantity) {
    return new OrderItem(product, quantity, BigDecimal.ONE);
  }
}
