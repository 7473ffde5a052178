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

    List<EventPayload> decisions = handleConcurrently(new ReserveInventoryHandler(50), orders);

    assertEquals(50, decisions.stream().filter(InventoryReserved.class::isInstance).count());
    assertEquals(150, decisions.stream().filter(InventoryRejected.class::isInstance).count());
    assertEquals(new StockQueries.StockLevel("scarce", 0, 50), level("scarce"));
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

    List<EventPayload> decisions = handleConcurrently(new ReserveInventoryHandler(30), orders);

    assertEquals(30, decisions.stream().filter(InventoryReserved.class::isInstance).count());
    assertEquals(new StockQueries.StockLevel("left", 0, 30), level("left"));
    assertEquals(new StockQueries.StockLevel("right", 0, 30), level("right"));
  }

  /** Each order in its own transaction on its worker's connection; fails on any exception. */
  private List<EventPayload> handleConcurrently(
      ReserveInventoryHandler handler, List<OrderCreated> orders) throws Exception {
    ConcurrentLinkedQueue<OrderCreated> pending = new ConcurrentLinkedQueue<>(orders);
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
                    for (OrderCreated order = pending.poll();
                        order != null;
                        order = pending.poll()) {
                      RecordingContext context = new RecordingContext(connection);
                      handler.handle(EventEnvelope.first(order, "producer"), context);
                      connection.commit();
                      decisions.add(context.single());
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

  private StockQueries.StockLevel level(String product) throws SQLException {
    try (Connection connection = database.open()) {
      return new StockQueries(connection).of(product).orElseThrow();
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
