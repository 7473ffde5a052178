package orderflow.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import orderflow.deadletter.DeadLetterHeaders;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventType;
import orderflow.envelope.InvalidEventException;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.OrderItem;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TestBroker;
import orderflow.topology.Topology;
import orderflow.topology.TopologyDeclarer;
import orderflow.trace.Tracing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The legacy bridge against a real broker, without the rest of the service. */
@ExtendWith(RabbitMqExtension.class)
class LegacyOrderBridgeIT {
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  @Test
  void forwardsWhatTheSeedOrderServicePublishesAsAnOrderCreatedEvent(TestBroker broker)
      throws Exception {
    Topology topology = declare(broker);
    try (LegacyOrderBridge.Running bridge = startBridge(broker, topology)) {
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
  void theSameLegacyMessageTwiceIsForwardedWithTheSameEventId(TestBroker broker) throws Exception {
    Topology topology = declare(broker);
    try (LegacyOrderBridge.Running bridge = startBridge(broker, topology)) {
      publishLikeTheSeed(broker, topology, seedOrder("order-2", "p", 1));
      publishLikeTheSeed(broker, topology, seedOrder("order-2", "p", 1));

      TestBroker.await(
          "both copies forwarded",
          DEADLINE,
          () -> count(broker, topology.queue(Topology.INVENTORY_QUEUE)) == 2);
      EventCodec codec = new EventCodec();
      EventEnvelope first =
          codec.decode(broker.get(topology.queue(Topology.INVENTORY_QUEUE)).getBody());
      EventEnvelope second =
          codec.decode(broker.get(topology.queue(Topology.INVENTORY_QUEUE)).getBody());
      assertEquals(first.eventId(), second.eventId());
    }
  }

  @Test
  void deadLettersAnUndecodableMessageWithHeadersNamingTheFailure(TestBroker broker)
      throws Exception {
    Topology topology = declare(broker);
    byte[] body = "{\"type\":\"OrderCreated\",\"data\":{\"order_id\":\"x\"}}".getBytes(UTF8);
    try (LegacyOrderBridge.Running bridge = startBridge(broker, topology)) {
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
      assertEquals(LegacyOrderBridge.CONSUMER_NAME, text(headers, DeadLetterHeaders.CONSUMER));
      assertEquals(0, count(broker, topology.queue(Topology.INVENTORY_QUEUE)));
    }
    assertEquals(0, count(broker, topology.legacyQueue()));
  }

  @Test
  void deadLettersEventsOtherThanOrderCreatedAndMalformedJson(TestBroker broker) throws Exception {
    Topology topology = declare(broker);
    try (LegacyOrderBridge.Running bridge = startBridge(broker, topology)) {
      publishLikeTheSeed(
          broker, topology, "{\"type\":\"OrderCancelled\",\"data\":{}}".getBytes(UTF8));
      publishLikeTheSeed(broker, topology, "not json".getBytes(UTF8));

      String dlq = topology.deadLetterQueue(Topology.INVENTORY_QUEUE);
      TestBroker.await("two dead letters", DEADLINE, () -> count(broker, dlq) == 2);
    }
    assertEquals(0, count(broker, topology.queue(Topology.INVENTORY_QUEUE)));
  }

  @Test
  void keepsAMessageThatCannotBeRoutedYetUntilItCanBe(TestBroker broker) throws Exception {
    Topology topology = declare(broker);
    String inventory = topology.queue(Topology.INVENTORY_QUEUE);
    try (Channel channel = broker.connection().createChannel()) {
      channel.queueUnbind(inventory, topology.ordersExchange(), "order.created");
      // The order view and the events stream take every event type: unbind them too, so no queue
      // takes the order.
      channel.queueUnbind(
          topology.queue(Topology.ORDERS_VIEW_QUEUE), topology.ordersExchange(), "order.created");
      channel.queueUnbind(topology.eventsStream(), topology.ordersExchange(), "order.created");
    }
    try (LegacyOrderBridge.Running bridge = startBridge(broker, topology)) {
      publishLikeTheSeed(broker, topology, seedOrder("order-3", "p", 1));
      TestBroker.await("the unroutable forward requeued", DEADLINE, () -> bridge.requeued() >= 2);
      assertEquals(0, count(broker, inventory));

      try (Channel channel = broker.connection().createChannel()) {
        channel.queueBind(inventory, topology.ordersExchange(), "order.created");
      }
      TestBroker.await("the order forwarded", DEADLINE, () -> count(broker, inventory) == 1);
    }
    assertEquals(0, count(broker, topology.legacyQueue()));
  }

  // --- helpers ---

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  private static Topology declare(TestBroker broker) throws Exception {
    Topology topology = broker.topology();
    try (Channel channel = broker.connection().createChannel()) {
      TopologyDeclarer.declare(channel, topology);
    }
    return topology;
  }

  private static LegacyOrderBridge.Running startBridge(TestBroker broker, Topology topology)
      throws Exception {
    return new LegacyOrderBridge(10, Duration.ofMillis(100))
        .start(broker.connection(), topology, Tracing.OFF);
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

  private static long count(TestBroker broker, String queue) {
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
