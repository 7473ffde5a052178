package orderflow.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import java.time.Duration;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventType;
import orderflow.envelope.OrderCancelled;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TestBroker;
import orderflow.topology.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RabbitMqExtension.class)
class CancelCommandIT {
  @Test
  void aConfirmedCancellationIsQueuedForShippingWithItsReason(TestBroker broker) throws Exception {
    Topology topology = broker.topology();

    CommandRun.Result result =
        CommandRun.run(
            "cancel",
            "order-7",
            "--reason",
            "changed my mind",
            "--uri",
            broker.uriString(),
            "--namespace",
            broker.namespace(),
            "--json");

    assertEquals(0, result.exitCode(), result.toString());
    JsonNode printed = EventCodec.mapper().readTree(result.out());
    assertEquals("order-7", printed.get("orderId").asText());
    String queue = topology.queue(Topology.SHIPPING_QUEUE);
    TestBroker.await(
        "the cancellation in " + queue,
        Duration.ofSeconds(10),
        () -> {
          try {
            return broker.messageCount(queue) == 1;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    GetResponse message = broker.get(queue);
    EventEnvelope event = new EventCodec().decode(message.getBody());
    assertEquals(EventType.ORDER_CANCELLED, event.eventType());
    assertEquals(printed.get("eventId").asText(), event.eventId().toString());
    assertEquals("changed my mind", event.payloadAs(OrderCancelled.class).reason());
  }

  @Test
  void aCancellationNoQueueCanTakeIsReportedAsReturnedNamingItsRoutingKey(TestBroker broker)
      throws Exception {
    Topology topology = broker.topology();
    try (Channel channel = broker.connection().createChannel()) {
      topology.declare(channel);
      channel.queueUnbind(
          topology.queue(Topology.SHIPPING_QUEUE), topology.ordersExchange(), "order.cancelled");
      channel.queueUnbind(
          topology.queue(Topology.ORDERS_VIEW_QUEUE), topology.ordersExchange(), "order.cancelled");
      channel.queueUnbind(topology.eventsStream(), topology.ordersExchange(), "order.cancelled");
    }

    CommandRun.Result result =
        CommandRun.run(
            "cancel",
            "order-8",
            "--uri",
            broker.uriString(),
            "--namespace",
            broker.namespace(),
            "--no-declare");

    assertEquals(1, result.exitCode(), result.toString());
    assertTrue(
        result.err().contains("RETURNED as unroutable (no queue is bound for order.cancelled"),
        result.toString());
    assertEquals(1, result.err().lines().count(), result.toString());
    assertEquals("", result.out());
  }
}
