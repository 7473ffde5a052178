package orderflow.shipping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import orderflow.consume.engine.ConsumerSettings;
import orderflow.consume.process.ServiceMain;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventType;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.OrderItem;
import orderflow.inventory.InventoryService;
import orderflow.publish.EventMessages;
import orderflow.publish.OutgoingMessage;
import orderflow.store.Database;
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
 * The whole saga: producer events into inventory and shipping, both failing transiently at random,
 * some orders larger than the stock. Every order must end shipped or rejected, exactly once in the
 * databases, with exact stock arithmetic and an unbroken correlation/causation chain.
 */
@ExtendWith(RabbitMqExtension.class)
class OrderSagaIT {
  private static final int ORDERS = 2000;
  private static final int STOCK_PER_PRODUCT = 400;
  private static final List<String> PRODUCTS = List.of("p1", "p2", "p3", "p4", "p5");
  private static final RetryTiers TIERS = RetryTiers.parse("100ms,300ms");

  @TempDir Path dir;

  private static ConsumerSettings settings() {
    // Many retries and a breaker that does not trip: injected failures must delay, not dead-letter.
    return TestSettings.builder()
        .prefetch(200)
        .tiers(TIERS)
        .maxRetries(12)
        .injectFailureRate(0.2)
        .breakerThreshold(100_000)
        .breakerReset(Duration.ofSeconds(1))
        .batchSize(50)
        .shutdownTimeout(Duration.ofSeconds(20))
        .build();
  }

  @Test
  void everyOrderEndsShippedOrRejectedExactlyOnceWithExactStockAndALinkedChain(TestBroker broker)
      throws Exception {
    Topology topology = broker.topology(TIERS);
    String observed = broker.namespace() + ".saga-observer";
    broker.deleteAfter(observed);
    Map<String, List<EventEnvelope>> eventsByOrder = new ConcurrentHashMap<>();
    EventCodec codec = new EventCodec();
    Channel observer = broker.connection().createChannel();
    topology.declare(observer);
    observer.queueDeclare(observed, false, false, false, null);
    observer.queueBind(observed, topology.ordersExchange(), "#");
    observer.basicConsume(
        observed,
        true,
        (tag, delivery) -> {
          EventEnvelope event = codec.decode(delivery.getBody());
          eventsByOrder
              .computeIfAbsent(
                  event.payload().orderId(),
                  id -> java.util.Collections.synchronizedList(new ArrayList<>()))
              .add(event);
        },
        tag -> {});

    String inventoryDb = TestDatabases.sqlite(dir);
    String shippingDb = TestDatabases.sqlite(dir);
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
      Map<String, EventEnvelope> created = publishOrders(broker, topology);
      TestBroker.await(
          "every order shipped or rejected",
          Duration.ofSeconds(240),
          () ->
              created.keySet().stream()
                      .filter(id -> endState(eventsByOrder.get(id)) != null)
                      .count()
                  == ORDERS);

      int shipped = 0;
      int rejected = 0;
      Map<String, Integer> shippedUnits = new HashMap<>();
      for (EventEnvelope order : created.values()) {
        String orderId = order.payload().orderId();
        List<EventEnvelope> events = new ArrayList<>(eventsByOrder.get(orderId));
        EventType end = endState(events);
        for (EventEnvelope event : events) {
          assertEquals(orderId, event.metadata().correlationId(), "correlation of " + event);
        }
        if (end == EventType.ORDER_SHIPPED) {
          shipped++;
          EventEnvelope shippedEvent = first(events, EventType.ORDER_SHIPPED);
          EventEnvelope reservedEvent = byId(events, shippedEvent.metadata().causationId());
          assertEquals(EventType.INVENTORY_RESERVED, reservedEvent.eventType());
          assertEquals(order.eventId().toString(), reservedEvent.metadata().causationId());
          assertTrue(events.stream().noneMatch(e -> e.eventType() == EventType.INVENTORY_REJECTED));
          OrderItem item = order.payloadAs(OrderCreated.class).items().get(0);
          shippedUnits.merge(item.productId(), item.quantity(), Integer::sum);
        } else {
          rejected++;
          EventEnvelope rejection = first(events, EventType.INVENTORY_REJECTED);
          assertEquals(order.eventId().toString(), rejection.metadata().causationId());
          assertTrue(events.stream().noneMatch(e -> e.eventType() == EventType.INVENTORY_RESERVED));
        }
      }
      assertEquals(ORDERS, shipped + rejected);
      assertTrue(rejected > 0, "some orders could not be served from stock");
      assertTrue(shipped > 0);

      try (Database database = Database.open(inventoryDb);
          Connection connection = database.open();
          Statement sql = connection.createStatement()) {
        assertEquals(shipped, count(sql, "SELECT COUNT(*) FROM reservations"));
        assertEquals(shipped, count(sql, "SELECT COUNT(DISTINCT order_id) FROM reservations"));
        for (String product : PRODUCTS) {
          int units = shippedUnits.getOrDefault(product, 0);
          try (ResultSet row =
              sql.executeQuery(
                  "SELECT available, reserved FROM stock WHERE product_id = '" + product + "'")) {
            assertTrue(row.next(), product);
            assertEquals(STOCK_PER_PRODUCT - units, row.getInt(1), "available " + product);
            assertEquals(units, row.getInt(2), "reserved " + product);
          }
        }
      }
      try (Database database = Database.open(shippingDb);
          Connection connection = database.open();
          Statement sql = connection.createStatement()) {
        // OrderShipped is published only after its shipment committed, so these are final.
        assertEquals(shipped, count(sql, "SELECT COUNT(*) FROM shipments"));
        assertEquals(shipped, count(sql, "SELECT COUNT(DISTINCT order_id) FROM shipments"));
      }
      assertEquals(0, broker.messageCount(topology.deadLetterQueue(Topology.INVENTORY_QUEUE)));
      assertEquals(0, broker.messageCount(topology.deadLetterQueue(Topology.SHIPPING_QUEUE)));
    } finally {
      shipping.stop();
      inventory.stop();
      observer.close();
    }
  }

  private static Map<String, EventEnvelope> publishOrders(TestBroker broker, Topology topology)
      throws Exception {
    EventMessages messages = new EventMessages(new EventCodec());
    Random random = new Random(42);
    Map<String, EventEnvelope> created = new HashMap<>();
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
                OrderCreated.of(UUID.randomUUID().toString(), "saga", List.of(item)), "producer");
        created.put(order.payload().orderId(), order);
        OutgoingMessage message = messages.toMessage(order, topology.ordersExchange());
        channel.basicPublish(
            message.exchange(), message.routingKey(), true, message.properties(), message.body());
      }
      channel.waitForConfirmsOrDie(60_000);
    }
    return created;
  }

  private static EventType endState(List<EventEnvelope> events) {
    if (events == null) {
      return null;
    }
    synchronized (events) {
      for (EventEnvelope event : events) {
        if (event.eventType() == EventType.ORDER_SHIPPED
            || event.eventType() == EventType.INVENTORY_REJECTED) {
          return event.eventType();
        }
      }
    }
    return null;
  }

  private static EventEnvelope first(List<EventEnvelope> events, EventType type) {
    return events.stream().filter(e -> e.eventType() == type).findFirst().orElseThrow();
  }

  private static EventEnvelope byId(List<EventEnvelope> events, String eventId) {
    assertNotNull(eventId, "causationId");
    return events.stream()
        .filter(e -> e.eventId().toString().equals(eventId))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no event " + eventId + " among " + events));
  }

  private static int count(Statement sql, String query) throws java.sql.SQLException {
    try (ResultSet rows = sql.executeQuery(query)) {
      rows.next();
      return rows.getInt(1);
    }
  }
}
