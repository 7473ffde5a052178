package orderflow.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventType;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.OrderItem;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TestBroker;
import orderflow.topology.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RabbitMqExtension.class)
class OrderCommandIT {
  @Test
  void confirmedOrderIsQueuedForInventoryWithEveryEnvelopeFieldAndProperty(TestBroker broker)
      throws Exception {
    Topology topology = broker.topology();
    Instant before = Instant.now().minusMillis(1);

    CommandRun.Result result =
        CommandRun.run(
            "order",
            "--uri",
            broker.uriString(),
            "--namespace",
            broker.namespace(),
            "--customer",
            "cust-1",
            "--item",
            "sku-1:2:19.99",
            "--item",
            "sku-2:1",
            "--json");

    assertEquals(0, result.exitCode(), result.toString());
    JsonNode printed = EventCodec.mapper().readTree(result.out());
    String orderId = printed.get("orderId").asText();
    String eventId = printed.get("eventId").asText();
    assertEquals(orderId, printed.get("correlationId").asText());

    String queue = topology.queue(Topology.INVENTORY_QUEUE);
    TestBroker.await(
        "the order in " + queue, Duration.ofSeconds(10), () -> count(broker, queue) == 1);
    GetResponse message = broker.get(queue);
    assertNotNull(message);

    AMQP.BasicProperties properties = message.getProps();
    assertEquals(eventId, properties.getMessageId());
    assertEquals("OrderCreated", properties.getType());
    assertEquals(orderId, properties.getCorrelationId());
    assertEquals("producer", properties.getAppId());
    assertEquals(2, properties.getDeliveryMode());
    assertEquals("application/json", properties.getContentType());
    assertEquals("3", String.valueOf(properties.getHeaders().get("x-event-version")));
    assertNotNull(properties.getTimestamp());
    assertEquals("order.created", message.getEnvelope().getRoutingKey());
    assertEquals(topology.ordersExchange(), message.getEnvelope().getExchange());

    EventEnvelope event = new EventCodec().decode(message.getBody());
    assertEquals(eventId, event.eventId().toString());
    assertEquals(EventType.ORDER_CREATED, event.eventType());
    assertFalse(event.timestamp().isBefore(before), event.timestamp().toString());
    assertEquals(event.timestamp().getEpochSecond(), properties.getTimestamp().getTime() / 1000);
    assertEquals("producer", event.metadata().source());
    assertEquals("3", event.metadata().version());
    assertEquals(orderId, event.metadata().correlationId());
    assertNull(event.metadata().causationId());
    OrderCreated order = event.payloadAs(OrderCreated.class);
    assertEquals(orderId, order.orderId());
    assertEquals("cust-1", order.customerId());
    assertEquals(new OrderItem("sku-1", 2, new BigDecimal("19.99")), order.items().get(0));
    assertEquals(new OrderItem("sku-2", 1, null), order.items().get(1));
    assertEquals(new BigDecimal("39.98"), order.totalAmount());
  }

  @Test
  void orderNoQueueCanTakeIsReportedAsReturned(TestBroker broker) throws Exception {
    Topology topology = broker.topology();
    try (Channel channel = broker.connection().createChannel()) {
      topology.declare(channel);
      channel.queueUnbind(
          topology.queue(Topology.INVENTORY_QUEUE), topology.ordersExchange(), "order.created");
      // The order view and the events stream take every event type: unbind them too, so no queue
      // takes the order.
      channel.queueUnbind(
          topology.queue(Topology.ORDERS_VIEW_QUEUE), topology.ordersExchange(), "order.created");
      channel.queueUnbind(topology.eventsStream(), topology.ordersExchange(), "order.created");
    }

    CommandRun.Result result =
        CommandRun.run(
            "order",
            "--uri",
            broker.uriString(),
            "--namespace",
            broker.namespace(),
            "--no-declare",
            "--customer",
            "cust-2",
            "--item",
            "sku-1:1");

    assertEquals(1, result.exitCode(), result.toString());
    assertTrue(result.err().contains("RETURNED"), result.toString());
    assertEquals(1, result.err().lines().count(), result.toString());
    assertEquals("", result.out());
    assertEquals(0, broker.messageCount(topology.queue(Topology.INVENTORY_QUEUE)));
  }

  @Test
  void orderWithNoDeclareToAMissingExchangeNamesItInsteadOfWaitingForAConfirm(TestBroker broker)
      throws Exception {
    Topology topology = broker.topology();
    long started = System.nanoTime();

    CommandRun.Result result =
        CommandRun.run(
            "order",
            "--uri",
            broker.uriString(),
            "--namespace",
            broker.namespace(),
            "--no-declare",
            "--timeout",
            "60s",
            "--customer",
            "cust-3",
            "--item",
            "sku-1:1");

    assertEquals(1, result.exitCode(), result.toString());
    assertTrue(
        result.err().contains("exchange '" + topology.ordersExchange() + "' is missing"),
        result.toString());
    assertTrue(result.err().contains("producer topology declare"), result.toString());
    assertEquals(1, result.err().lines().count(), result.toString());
    Channel probe = broker.connection().createChannel();
    assertThrows(
        java.io.IOException.class, () -> probe.exchangeDeclarePassive(topology.ordersExchange()));
    assertFalse(result.err().contains("no confirm"), result.toString());
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertTrue(took.compareTo(Duration.ofSeconds(30)) < 0, "waited for the timeout: " + took);
  }

  @Test
  void unreachableBrokerFailsWithOneLineNamingHostAndPortButNoPassword() {
    CommandRun.Result result =
        CommandRun.run(
            "order",
            "--uri",
            "amqp://guest:Sup3rSecret@127.0.0.1:1",
            "--customer",
            "c",
            "--item",
            "sku-1:1");

    assertEquals(1, result.exitCode(), result.toString());
    assertEquals(1, result.err().lines().count(), result.toString());
    assertTrue(result.err().contains("127.0.0.1:1"), result.toString());
    assertFalse(result.err().contains("Sup3rSecret"), result.toString());
    assertEquals("", result.out());
  }

  static long count(TestBroker broker, String queue) {
    try {
      return broker.messageCount(queue);
    } catch (Exception e) {
      return -1;
    }
  }
}
