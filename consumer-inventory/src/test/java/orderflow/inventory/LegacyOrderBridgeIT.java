package orderflow.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import orderflow.consume.process.ServiceMain;
import orderflow.deadletter.DeadLetterHeaders;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventType;
import orderflow.envelope.InvalidEventException;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.OrderItem;
import orderflow.store.Database;
import orderflow.store.Outbox;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TestBroker;
import orderflow.testing.TestDatabases;
import orderflow.testing.TestSettings;
import orderflow.topology.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The legacy bridge against a real broker, run by the consumer runtime without inventory. */
@ExtendWith(RabbitMqExtension.class)
class LegacyOrderBridgeIT {
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  @TempDir Path directory;

  @Test
  void forwardsWhatTheSeedOrderServicePublishesAsAnOrderCreatedEvent(TestBroker broker)
      throws Exception {
    Topology topology = declare(broker);
    try (Bridge bridge = startBridge(broker, directory)) {
      publishLikeTheSeed(broker, topology, seedOrder("order-1", "product456", 2));

      TestBroker.await(
          "the order in the inventory queue",
          DEADLINE,
          () -> count(broker, topology.queue(Topology.INVENTORY_QUEUE)) == 1);
      GetResponse forwarded = broker.get(topology.queue(Topology.INVENTORY_QUEUE));
      EventEnvelope event = new EventCodec().decode(forwarded.getBody());
      assertEquals(EventType.ORDER_CREATED, event.eventType());
      OrderCreated order = event.payloadAs(OrderCreated.class);
      assertEquals("order-1", order.orderId());
      assertEquals("user123", order.customerId());
      assertEquals(List.of(new OrderItem("product456", 2, null)), order.items());
      assertEquals(event.eventId().toString(), forwarded.getProps().getMessageId());
      assertEquals("order-1", forwarded.getProps().getCorrelationId());
      assertEquals(topology.ordersExchange(), forwarded.getEnvelope().getExchange());
      assertEquals("order.created", forwarded.getEnvelope().getRoutingKey());
    }
    assertEquals(0, count(broker, topology.legacyQueue()));
  }

  @Test
  void theSameLegacyMessageTwiceIsForwardedOnce(TestBroker broker) throws Exception {
    Topology topology = declare(broker);
    try (Bridge bridge = startBridge(broker, directory)) {
      publishLikeTheSeed(broker, topology, seedOrder("order-2", "p", 1));
      publishLikeTheSeed(broker, topology, seedOrder("order-2", "p", 1));
      publishLikeTheSeed(broker, topology, seedOrder("order-2b", "p", 1));

      // Forwards go in the order the bridge committed them: a second order-2 would come first.
      String inventory = topology.queue(Topology.INVENTORY_QUEUE);
      TestBroker.await("two orders forwarded", DEADLINE, () -> count(broker, inventory) == 2);
      EventCodec codec = new EventCodec();
      List<String> orders = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        orders.add(
            codec.decode(broker.get(inventory).getBody()).payloadAs(OrderCreated.class).orderId());
      }
      assertEquals(List.of("order-2", "order-2b"), orders);
    }
  }

  @Test
  void deadLettersAnUndecodableMessageWithHeadersNamingTheFailure(TestBroker broker)
      throws Exception {
    Topology topology = declare(broker);
    byte[] body = "{\"type\":\"OrderCreated\",\"data\":{\"order_id\":\"x\"}}".getBytes(UTF8);
    try (Bridge bridge = startBridge(broker, directory)) {
      publishLikeTheSeed(broker, topology, body);

      String dlq = topology.deadLetterQueue(Topology.INVENTORY_QUEUE);
      TestBroker.await("the dead letter", DEADLINE, () -> count(broker, dlq) == 1);
      GetResponse dead = broker.get(dlq);
      assertEquals(new String(body, UTF8), new String(dead.getBody(), UTF8));
      Map<String, Object> headers = dead.getProps().getHeaders();
      assertEquals(DeadLetterHeaders.REASON_INVALID_EVENT, text(headers, DeadLetterHeaders.REASON));
      assertEquals(
          InvalidEventException.class.getName(), text(headers, DeadLetterHeaders.EXCEPTION_CLASS));
      assertTrue(text(headers, DeadLetterHeaders.EXCEPTION_MESSAGE).contains("data.user_id"));
      assertEquals(1, ((Number) headers.get(DeadLetterHeaders.ATTEMPTS)).intValue());
      assertNotNull(headers.get(DeadLetterHeaders.FIRST_FAILURE_AT));
      assertNotNull(headers.get(DeadLetterHeaders.LAST_FAILURE_AT));
      assertEquals("", text(headers, DeadLetterHeaders.ORIGINAL_EXCHANGE));
      assertEquals(topology.legacyQueue(), text(headers, DeadLetterHeaders.ORIGINAL_ROUTING_KEY));
      assertEquals(InventoryService.LEGACY_BRIDGE, text(headers, DeadLetterHeaders.CONSUMER));
      assertEquals(0, count(broker, topology.queue(Topology.INVENTORY_QUEUE)));
    }
    assertEquals(0, count(broker, topology.legacyQueue()));
  }

  @Test
  void deadLettersEventsOtherThanOrderCreatedAndMalformedJson(TestBroker broker) throws Exception {
    Topology topology = declare(broker);
    try (Bridge bridge = startBridge(broker, directory)) {
      publishLikeTheSeed(
          broker, topology, "{\"type\":\"OrderCancelled\",\"data\":{}}".getBytes(UTF8));
      publishLikeTheSeed(broker, topology, "not json".getBytes(UTF8));

      String dlq = topology.deadLetterQueue(Topology.INVENTORY_QUEUE);
      TestBroker.await("two dead letters", DEADLINE, () -> count(broker, dlq) == 2);
    }
    assertEquals(0, count(broker, topology.queue(Topology.INVENTORY_QUEUE)));
  }

  @Test
  void keepsAForwardThatCannotBePublishedYetUntilItCanBe(TestBroker broker) throws Exception {
    Topology topology = declare(broker);
    String inventory = topology.queue(Topology.INVENTORY_QUEUE);
    try (Bridge bridge = startBridge(broker, directory)) {
      // Deleted once the bridge has started, so no declaration of its start brings it back.
      try (Channel channel = broker.connection().createChannel()) {
        channel.exchangeDelete(topology.ordersExchange());
      }
      publishLikeTheSeed(broker, topology, seedOrder("order-3", "p", 1));
      TestBroker.await("the legacy message taken", DEADLINE, () -> bridge.backlog() == 1);
      assertEquals(0, count(broker, inventory));

      declare(broker);
      TestBroker.await("the order forwarded", DEADLINE, () -> count(broker, inventory) == 1);
    }
    assertEquals(0, count(broker, topology.legacyQueue()));
  }

  // --- helpers ---

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  static Topology declare(TestBroker broker) throws Exception {
    Topology topology = broker.topology();
    try (Channel channel = broker.connection().createChannel()) {
      topology.declare(channel);
    }
    return topology;
  }

  /** The bridge alone in a service process, with its database. */
  record Bridge(ServiceMain.RunningService service, Database database) implements AutoCloseable {
    long backlog() {
      try (Connection connection = database.open()) {
        return Outbox.backlog(connection);
      } catch (SQLException e) {
        throw new AssertionError(e);
      }
    }

    @Override
    public void close() {
      service.stop();
      database.close();
    }
  }

  static Bridge startBridge(TestBroker broker, Path directory) throws Exception {
    return startBridge(broker, directory, TestSettings.builder());
  }

  static Bridge startBridge(TestBroker broker, Path directory, TestSettings.Builder settings)
      throws Exception {
    String url = TestDatabases.sqlite(directory);
    ServiceMain.RunningService service =
        ServiceMain.start(
            broker.settings(),
            settings.shutdownTimeout(Duration.ofSeconds(5)).build(),
            url,
            InventoryService.legacyBridge());
    return new Bridge(service, Database.open(url));
  }

  /** As seed 000's OrderService: default exchange, routing key = the queue, no properties. */
  static void publishLikeTheSeed(TestBroker broker, Topology topology, byte[] body)
      throws Exception {
    try (Channel channel = broker.connection().createChannel()) {
      channel.basicPublish("", topology.legacyQueue(), new AMQP.BasicProperties(), body);
    }
  }

  static byte[] seedOrder(String orderId, String productId, int quantity) {
    return ("{\"type\": \"OrderCreated\", \"data\": {\"order_id\": \""
            + orderId
            + "\", \"user_id\": \"user123\", \"product_id\": \""
            + productId
            + "\", \"quantity\": "
            + quantity
            + ", \"status\": \"created\"}}")
        .getBytes(UTF8);
  }

  static long count(TestBroker broker, String queue) {
    try {
      return broker.messageCount(queue);
    } catch (Exception e) {
      throw new AssertionError("cannot count " + queue, e);
    }
  }

  private static String text(Map<String, Object> headers, String name) {
    Object value = headers.get(name);
    return value == null ? null : value.toString();
  }
}
