package orderflow.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import orderflow.consume.process.ServiceMain;
import orderflow.deadletter.DeadLetterHeaders;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.InventoryRejected;
import orderflow.envelope.InventoryReserved;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.ReservedItem;
import orderflow.envelope.Shortage;
import orderflow.store.Database;
import orderflow.store.Inbox;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TestBroker;
import orderflow.testing.TestDatabases;
import orderflow.testing.TestSettings;
import orderflow.topology.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The real inventory service, in this JVM, against a real broker and database. */
@ExtendWith(RabbitMqExtension.class)
class InventoryServiceIT {
  private static final Duration DEADLINE = Duration.ofSeconds(120);

  @TempDir Path directory;
  private final List<String> postgresSchemas = new ArrayList<>();

  @AfterEach
  void dropPostgresSchemas() throws SQLException {
    for (String url : postgresSchemas) {
      TestInventoryDatabase.dropSchema(url);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aThousandOrdersLeaveStockExactlyTheStartMinusWhatWasReserved(
      String database, TestBroker broker) throws Exception {
    String db = databaseUrl(database);
    Topology topology = declare(broker);
    int start = 300;
    List<String> products = List.of("p0", "p1", "p2", "p3", "p4");
    Random random = new Random(1000);
    List<OrderCreated> orders = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      List<String> items = new ArrayList<>();
      for (int n = 1 + random.nextInt(2); n > 0; n--) {
        items.add(products.get(random.nextInt(products.size())) + ":" + (1 + random.nextInt(3)));
      }
      orders.add(Orders.order(items.toArray(String[]::new)));
    }

    try (Decisions decisions = Decisions.listen(broker, topology);
        Service service = Service.start(broker, db, start)) {
      Orders.publish(broker, topology, Orders.envelopes(orders));
      TestBroker.await(
          "a decision for each of 1000 orders",
          DEADLINE,
          () -> decisions.decidedOrders().size() == 1000);

      Map<String, Integer> reservedByProduct = new HashMap<>();
      List<InventoryReserved> reservations = distinctReservations(decisions);
      for (InventoryReserved reserved : reservations) {
        for (ReservedItem item : reserved.items()) {
          reservedByProduct.merge(item.productId(), item.quantity(), Integer::sum);
        }
      }
      assertFalse(reservations.isEmpty(), "some orders are reserved");
      assertFalse(decisions.rejections().isEmpty(), "some orders are rejected");
      InventoryDb inventory = new InventoryDb(db);
      for (String product : products) {
        int reserved = reservedByProduct.getOrDefault(product, 0);
        StockLedger.StockLevel level = inventory.level(product);
        assertEquals(new StockLedger.StockLevel(product, start - reserved, reserved), level);
        assertEquals(level, StockLedger.replay(product, inventory.movements(product)));
      }
      assertEquals(reservations.size(), inventory.count("SELECT COUNT(*) FROM reservations"));

      // The query command reads the same database while the service runs.
      StringWriter out = new StringWriter();
      CommandLine stock = InventoryCommand.commandLine();
      stock.setOut(new PrintWriter(out, true));
      assertEquals(0, stock.execute("stock", "p0", "--db", db, "--json"));
      assertEquals(
          start - reservedByProduct.getOrDefault("p0", 0),
          EventCodec.mapper().readTree(out.toString()).get("available").asInt());
    }
  }

  @Test
  void twoInstancesOnOnePostgresqlRacingForScarceStockNeverOversell(TestBroker broker)
      throws Exception {
    String db = databaseUrl("postgresql");
    Topology topology = declare(broker);
    List<OrderCreated> orders = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      orders.add(Orders.order("scarce:1"));
    }

    try (Decisions decisions = Decisions.listen(broker, topology);
        Service one = Service.start(broker, db, 50);
        Service two = Service.start(broker, db, 50)) {
      Orders.publish(broker, topology, Orders.envelopes(orders));
      TestBroker.await(
          "a decision for each of 200 orders",
          DEADLINE,
          () -> decisions.decidedOrders().size() == 200);

      assertEquals(50, distinctReservations(decisions).size());
      assertEquals(
          new StockLedger.StockLevel("scarce", 0, 50), new InventoryDb(db).level("scarce"));
    }
  }

  @Test
  void anOrderWithOneShortItemReservesNothingAndEmitsARejectionListingIt(TestBroker broker)
      throws Exception {
    String db = TestDatabases.sqlite(directory);
    Topology topology = declare(broker);
    OrderCreated order = Orders.order("plenty:2", "scarce:9");

    try (Decisions decisions = Decisions.listen(broker, topology);
        Service service = Service.start(broker, db, 5)) {
      Orders.publish(broker, topology, Orders.envelopes(List.of(order)));
      EventEnvelope decision = awaitDecision(decisions, order.orderId());

      InventoryRejected rejected = assertInstanceOf(InventoryRejected.class, decision.payload());
      assertEquals(List.of(new Shortage("scarce", 9, 5)), rejected.shortages());
      assertEquals(order.orderId(), decision.metadata().correlationId());
      InventoryDb inventory = new InventoryDb(db);
      assertEquals(new StockLedger.StockLevel("plenty", 5, 0), inventory.level("plenty"));
      assertEquals(new StockLedger.StockLevel("scarce", 5, 0), inventory.level("scarce"));
      assertEquals(0, inventory.count("SELECT COUNT(*) FROM reservations"));
    }
  }

  @Test
  void stockSurvivesARestart(TestBroker broker) throws Exception {
    String db = TestDatabases.sqlite(directory);
    Topology topology = declare(broker);
    OrderCreated first = Orders.order("lamp:10");
    OrderCreated second = Orders.order("lamp:5");

    try (Decisions decisions = Decisions.listen(broker, topology)) {
      try (Service service = Service.start(broker, db, 100)) {
        Orders.publish(broker, topology, Orders.envelopes(List.of(first)));
        awaitDecision(decisions, first.orderId());
      }
      try (Service restarted = Service.start(broker, db, 100)) {
        Orders.publish(broker, topology, Orders.envelopes(List.of(second)));
        assertInstanceOf(
            InventoryReserved.class, awaitDecision(decisions, second.orderId()).payload());
        assertEquals(new StockLedger.StockLevel("lamp", 85, 15), new InventoryDb(db).level("lamp"));
      }
    }
  }

  @Test
  void aDuplicateOrderCreatedWithTheSameEventIdIsReservedOnce(TestBroker broker) throws Exception {
    String db = TestDatabases.sqlite(directory);
    Topology topology = declare(broker);
    EventEnvelope order = EventEnvelope.first(Orders.order("desk:7"), "producer");
    OrderCreated marker = Orders.order("marker:1");

    try (Decisions decisions = Decisions.listen(broker, topology);
        Service service = Service.start(broker, db, 100)) {
      Orders.publish(broker, topology, List.of(order, order));
      // One consumer takes its queue in order: once the marker is decided, both copies were.
      Orders.publish(broker, topology, Orders.envelopes(List.of(marker)));
      awaitDecision(decisions, marker.orderId());

      assertEquals(new StockLedger.StockLevel("desk", 93, 7), new InventoryDb(db).level("desk"));
      assertEquals(
          1,
          decisions.all().stream()
              .filter(e -> e.payload().orderId().equals(order.payload().orderId()))
              .count());
    }
  }

  @Test
  void aRedeliveryOlderThanTheDedupWindowReservesNothingMore(TestBroker broker) throws Exception {
    String db = TestDatabases.sqlite(directory);
    Topology topology = declare(broker);
    EventEnvelope order = EventEnvelope.first(Orders.order("lamp:7"), "producer");
    OrderCreated marker = Orders.order("marker:1");

    try (Decisions decisions = Decisions.listen(broker, topology);
        Service service = Service.start(broker, db, 100)) {
      Orders.publish(broker, topology, List.of(order));
      awaitDecision(decisions, order.payload().orderId());
      // Retention has forgotten the event id: only the order's own key can refuse it now.
      try (Database database = Database.open(db);
          Connection connection = database.open()) {
        assertEquals(1, Inbox.prune(connection, database, System.currentTimeMillis() + 1_000, 100));
        connection.commit();
      }
      Orders.publish(broker, topology, List.of(order));
      Orders.publish(broker, topology, Orders.envelopes(List.of(marker)));
      awaitDecision(decisions, marker.orderId());

      assertEquals(new StockLedger.StockLevel("lamp", 93, 7), new InventoryDb(db).level("lamp"));
      List<EventEnvelope> answers =
          decisions.all().stream()
              .filter(e -> e.payload().orderId().equals(order.payload().orderId()))
              .toList();
      assertEquals(2, answers.size(), "the repeat is answered again");
      assertEquals(answers.get(0).payload(), answers.get(1).payload(), "with the same reservation");
    }
  }

  @Test
  void aMessagePublishedAsTheSeedOrderServiceDoesIsReservedOnceEvenIfRepeated(TestBroker broker)
      throws Exception {
    String db = TestDatabases.sqlite(directory);
    Topology topology = declare(broker);
    OrderCreated marker = Orders.order("marker:1");

    try (Decisions decisions = Decisions.listen(broker, topology);
        Service service = Service.start(broker, db, 100)) {
      Orders.publishLikeTheSeed(broker, topology, "legacy-order-1", "product456", 2);

      InventoryReserved reserved =
          assertInstanceOf(
              InventoryReserved.class, awaitDecision(decisions, "legacy-order-1").payload());
      assertEquals(List.of(new ReservedItem("product456", 2)), reserved.items());

      Orders.publishLikeTheSeed(broker, topology, "legacy-order-1", "product456", 2);
      // The bridge forwards in queue order, the service applies in queue order.
      Orders.publishLikeTheSeed(broker, topology, marker.orderId(), "marker", 1);
      awaitDecision(decisions, marker.orderId());
      assertEquals(
          new StockLedger.StockLevel("product456", 98, 2), new InventoryDb(db).level("product456"));
    }
  }

  @Test
  void ordersOutsideTheEnvelopeLimitsAreDeadLetteredAsInvalidAndCreateNoProduct(TestBroker broker)
      throws Exception {
    String db = TestDatabases.sqlite(directory);
    Topology topology = declare(broker);
    OrderCreated marker = Orders.order("marker:1");
    List<byte[]> hostile =
        List.of(
            withItems(items -> first(items).put("productId", "evil\u001b[2J\u0000")),
            // Long, yet under the 64 KiB body limit, so that the field limit is what refuses it.
            withItems(items -> first(items).put("productId", "p".repeat(50_000))),
            withItems(items -> first(items).put("price", new BigDecimal("1e400"))),
            withItems(
                items -> {
                  for (int i = 1; i <= 100; i++) {
                    items.add(first(items).deepCopy().put("productId", "bulk-" + i));
                  }
                }));

    try (Decisions decisions = Decisions.listen(broker, topology);
        Service service = Service.start(broker, db, 100)) {
      try (Channel channel = broker.connection().createChannel()) {
        channel.confirmSelect();
        for (byte[] body : hostile) {
          channel.basicPublish(
              topology.ordersExchange(),
              "order.created",
              new AMQP.BasicProperties.Builder().deliveryMode(2).build(),
              body);
        }
        channel.waitForConfirmsOrDie(30_000);
      }
      Orders.publish(broker, topology, Orders.envelopes(List.of(marker)));
      awaitDecision(decisions, marker.orderId());
      String dlq = topology.deadLetterQueue(Topology.INVENTORY_QUEUE);
      TestBroker.await(
          hostile.size() + " dead letters in " + dlq,
          DEADLINE,
          () -> count(broker, dlq) == hostile.size());

      for (int i = 0; i < hostile.size(); i++) {
        GetResponse letter = broker.get(dlq);
        assertEquals(
            DeadLetterHeaders.REASON_INVALID_EVENT,
            String.valueOf(letter.getProps().getHeaders().get(DeadLetterHeaders.REASON)));
      }
      InventoryDb inventory = new InventoryDb(db);
      assertEquals(1, inventory.count("SELECT COUNT(*) FROM stock"));
      assertEquals(1, inventory.count("SELECT COUNT(*) FROM stock WHERE product_id = 'marker'"));
    }
  }

  /** The body of a valid order, with its items changed. */
  private static byte[] withItems(Consumer<ArrayNode> damage) throws Exception {
    EventEnvelope event = EventEnvelope.first(Orders.order("good:1"), "producer");
    ObjectNode root = (ObjectNode) EventCodec.mapper().readTree(new EventCodec().encode(event));
    damage.accept((ArrayNode) root.get("payload").get("items"));
    return EventCodec.mapper().writeValueAsBytes(root);
  }

  private static ObjectNode first(ArrayNode items) {
    return (ObjectNode) items.get(0);
  }

  private static long count(TestBroker broker, String queue) {
    try {
      return broker.messageCount(queue);
    } catch (Exception e) {
      return -1;
    }
  }

  // --- helpers ---

  /** The service started in this JVM, stopped (drained) on close. */
  record Service(ServiceMain.RunningService running) implements AutoCloseable {
    static Service start(TestBroker broker, String db, int defaultStock) throws Exception {
      return new Service(
          ServiceMain.start(
              broker.settings(),
              TestSettings.defaults(),
              db,
              InventoryService.definition(defaultStock)));
    }

    @Override
    public void close() {
      running.stop();
    }
  }

  private String databaseUrl(String kind) {
    if (kind.equals("sqlite")) {
      return TestDatabases.sqlite(directory);
    }
    String url = TestDatabases.freshPostgresSchema();
    postgresSchemas.add(url);
    return url;
  }

  static Topology declare(TestBroker broker) throws Exception {
    Topology topology = broker.topology();
    try (Channel channel = broker.connection().createChannel()) {
      topology.declare(channel);
    }
    return topology;
  }

  static EventEnvelope awaitDecision(Decisions decisions, String orderId) {
    TestBroker.await(
        "a decision for order " + orderId,
        DEADLINE,
        () -> decisions.byOrder().containsKey(orderId));
    return decisions.byOrder().get(orderId);
  }

  /** One per order: after a crash the outbox may publish a decision twice (same event). */
  static List<InventoryReserved> distinctReservations(Decisions decisions) {
    Map<String, InventoryReserved> byOrder = new HashMap<>();
    for (InventoryReserved reserved : decisions.reservations()) {
      InventoryReserved earlier = byOrder.putIfAbsent(reserved.orderId(), reserved);
      if (earlier != null && !earlier.equals(reserved)) {
        throw new AssertionError("order reserved twice differently: " + earlier + ", " + reserved);
      }
    }
    return List.copyOf(byOrder.values());
  }

  static long messageCount(TestBroker broker, String queue) {
    try {
      return broker.messageCount(queue);
    } catch (Exception e) {
      throw new AssertionError("cannot count " + queue, e);
    }
  }
}
