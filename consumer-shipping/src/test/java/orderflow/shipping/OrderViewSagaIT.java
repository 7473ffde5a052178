package orderflow.shipping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import orderflow.consume.engine.ConsumerSettings;
import orderflow.consume.process.ServiceMain;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.OrderItem;
import orderflow.inventory.InventoryService;
import orderflow.orderservice.OrderRebuild;
import orderflow.publish.EventMessages;
import orderflow.publish.OutgoingMessage;
import orderflow.store.Database;
import orderflow.testing.JavaProcess;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TestBroker;
import orderflow.testing.TestDatabases;
import orderflow.testing.TestSettings;
import orderflow.topology.RetryTiers;
import orderflow.topology.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The order service beside inventory and shipping: 1,000 orders through the whole saga, the order
 * service a real process ({@code producer serve}) failing a tenth of its handler calls (so retries
 * reorder each order's events) and killed with SIGKILL mid-stream, then restarted. Every order must
 * end in the read model exactly as inventory and shipping hold it, each event stored once, and a
 * rebuild from the event store must reproduce the read model.
 */
@ExtendWith(RabbitMqExtension.class)
class OrderViewSagaIT {
  private static final int ORDERS = 1000;
  private static final int STOCK_PER_PRODUCT = 300;
  private static final List<String> PRODUCTS = List.of("p1", "p2", "p3", "p4", "p5");
  private static final String TIERS_TEXT = "100ms,300ms";
  private static final RetryTiers TIERS = RetryTiers.parse(TIERS_TEXT);
  private static final Duration DEADLINE = Duration.ofSeconds(180);

  @TempDir Path dir;

  @Test
  void everyOrderEndsInTheReadModelAsInventoryAndShippingHoldItDespiteAKill9(TestBroker broker)
      throws Exception {
    Topology topology = broker.topology(TIERS);
    try (Channel channel = broker.connection().createChannel()) {
      topology.declare(channel);
    }
    String inventoryDb = TestDatabases.sqlite(dir);
    String shippingDb = TestDatabases.sqlite(dir);
    String ordersDb = TestDatabases.sqlite(dir);
    ServiceMain.RunningService inventory =
        ServiceMain.start(
            broker.settings(),
            settings(),
            inventoryDb,
            InventoryService.definition(STOCK_PER_PRODUCT));
    ServiceMain.RunningService shipping =
        ServiceMain.start(
            broker.settings(),
            settings(),
            shippingDb,
            ShippingService.definition(Clock.systemUTC()));
    try {
      List<String> orderIds;
      try (JavaProcess first = startOrderService(broker, ordersDb)) {
        orderIds = publishOrders(broker, topology);
        TestBroker.await(
            "some orders in the read model before the kill",
            DEADLINE,
            () -> count(ordersDb, "SELECT COUNT(*) FROM orders") >= ORDERS / 5);
        first.kill();
      }
      long atKill =
          count(
              ordersDb, "SELECT COUNT(*) FROM orders WHERE status IN" + " ('SHIPPED', 'REJECTED')");
      assertTrue(atKill < ORDERS, "killed mid-stream, with " + atKill + " orders ended");

      try (JavaProcess second = startOrderService(broker, ordersDb)) {
        TestBroker.await(
            "every order shipped or rejected in the read model",
            DEADLINE,
            () ->
                count(
                        ordersDb,
                        "SELECT COUNT(*) FROM orders WHERE status IN"
                            + " ('SHIPPED', 'REJECTED') AND customer_id IS NOT NULL"
                            // A retried InventoryReserved may come after the OrderShipped.
                            + " AND (status <> 'SHIPPED' OR reservation_id IS NOT NULL)")
                    == ORDERS);
        assertEquals(0, second.terminate(60), second.output());
      }

      Map<String, String[]> readModel =
          rows(
              ordersDb,
              "SELECT order_id, status, reservation_id, carrier, tracking_number,"
                  + " event_count FROM orders");
      Map<String, String[]> reservations =
          rows(inventoryDb, "SELECT order_id, reservation_id FROM reservations");
      Map<String, String[]> rejections = rows(inventoryDb, "SELECT order_id FROM rejected_orders");
      Map<String, String[]> shipments =
          rows(
              shippingDb,
              "SELECT order_id, reservation_id, carrier, tracking_number FROM shipments");
      assertEquals(ORDERS, readModel.size());
      int shipped = 0;
      for (String orderId : orderIds) {
        String[] order = readModel.get(orderId);
        assertNotNull(order, orderId);
        if (reservations.containsKey(orderId)) {
          shipped++;
          String[] shipment = shipments.get(orderId);
          assertNotNull(shipment, "shipment of " + orderId);
          assertEquals("SHIPPED", order[1], orderId);
          assertEquals(reservations.get(orderId)[1], order[2], "reservation of " + orderId);
          assertEquals(shipment[2], order[3], "carrier of " + orderId);
          assertEquals(shipment[3], order[4], "tracking number of " + orderId);
          assertEquals("3", order[5], "events of " + orderId);
        } else {
          assertTrue(rejections.containsKey(orderId), "inventory decided " + orderId);
          assertEquals("REJECTED", order[1], orderId);
          assertEquals("2", order[5], "events of " + orderId);
        }
      }
      assertTrue(shipped > 0 && shipped < ORDERS, "some shipped, some rejected: " + shipped);
      assertEquals(
          3L * shipped + 2L * (ORDERS - shipped),
          count(ordersDb, "SELECT COUNT(*) FROM order_events"));
      try (Database database = Database.open(ordersDb)) {
        OrderRebuild.Report report = new OrderRebuild(database).rebuild(null);
        assertEquals(ORDERS, report.rebuilt());
        assertEquals(List.of(), report.differences());
      }
      assertEquals(0, broker.messageCount(topology.deadLetterQueue(Topology.ORDERS_VIEW_QUEUE)));
    } finally {
      shipping.stop();
      inventory.stop();
    }
  }

  private static ConsumerSettings settings() {
    return TestSettings.builder()
        .prefetch(200)
        .tiers(TIERS)
        .maxRetries(3)
        .injectFailureRate(0)
        .breakerThreshold(100_000)
        .breakerReset(Duration.ofSeconds(1))
        .batchSize(100)
        .shutdownTimeout(Duration.ofSeconds(20))
        .build();
  }

  private JavaProcess startOrderService(TestBroker broker, String db) throws Exception {
    return JavaProcess.start(
        dir.resolve("logs"),
        orderflow.producer.Main.class,
        List.of(
            "serve",
            "--uri",
            broker.uriString(),
            "--namespace",
            broker.namespace(),
            "--db",
            db,
            "--retry-delays",
            TIERS_TEXT,
            "--max-retries",
            "12",
            "--breaker-threshold",
            "100000",
            "--inject-failures",
            "0.1",
            "--batch-size",
            "20",
            "--prefetch",
            "100"));
  }

  private static List<String> publishOrders(TestBroker broker, Topology topology) throws Exception {
    EventMessages messages = new EventMessages(new EventCodec());
    Random random = new Random(7);
    List<String> ids = new ArrayList<>();
    try (Channel channel = broker.connection().createChannel()) {
      channel.confirmSelect();
      for (int i = 0; i < ORDERS; i++) {
        OrderItem item =
            new OrderItem(
                PRODUCTS.get(random.nextInt(PRODUCTS.size())),
                1 + random.nextInt(3),
                new BigDecimal("4.50"));
        EventEnvelope order =
            EventEnvelope.first(
                OrderCreated.of(UUID.randomUUID().toString(), "saga-" + (i % 7), List.of(item)),
                "producer");
        ids.add(order.payload().orderId());
        OutgoingMessage message = messages.toMessage(order, topology.ordersExchange());
        channel.basicPublish(
            message.exchange(), message.routingKey(), true, message.properties(), message.body());
      }
      channel.waitForConfirmsOrDie(60_000);
    }
    return ids;
  }

  /** -1 while the database or its tables do not exist yet. */
  private static long count(String db, String sql) {
    try (Database database = Database.open(db);
        Connection connection = database.openReadOnly();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getLong(1);
    } catch (SQLException e) {
      return -1;
    }
  }

  private static Map<String, String[]> rows(String db, String sql) throws SQLException {
    Map<String, String[]> rows = new HashMap<>();
    try (Database database = Database.open(db);
        Connection connection = database.openReadOnly();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      int columns = row.getMetaData().getColumnCount();
      while (row.next()) {
        String[] values = new String[columns];
        for (int i = 0; i < columns; i++) {
          values[i] = row.getString(i + 1);
        }
        rows.put(values[0], values);
      }
    }
    return rows;
  }
}
