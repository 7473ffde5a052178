package orderflow.consume;

import com.rabbitmq.client.Channel;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.OrderItem;
import orderflow.publish.EventMessages;
import orderflow.publish.OutgoingMessage;
import orderflow.testing.TestBroker;
import orderflow.topology.Topology;

/** Publishes OrderCreated events for runtime tests, with confirms. */
final class TestOrders {
  private static final EventMessages MESSAGES = new EventMessages(new EventCodec());

  private TestOrders() {}

  static EventEnvelope order(String customerScript) {
    return EventEnvelope.first(
        OrderCreated.of(
            UUID.randomUUID().toString(),
            customerScript,
            List.of(new OrderItem("sku-1", 1, new BigDecimal("9.99")))),
        "test");
  }

  static void publish(TestBroker broker, Topology topology, List<EventEnvelope> events)
      throws Exception {
    try (Channel channel = broker.connection().createChannel()) {
      channel.confirmSelect();
      for (EventEnvelope event : events) {
        OutgoingMessage message = MESSAGES.toMessage(event, topology.ordersExchange());
        channel.basicPublish(
            message.exchange(), message.routingKey(), true, message.properties(), message.body());
      }
      channel.waitForConfirmsOrDie(30_000);
    }
  }

  static void publishRaw(TestBroker broker, Topology topology, String routingKey, byte[] body)
      throws Exception {
    try (Channel channel = broker.connection().createChannel()) {
      channel.confirmSelect();
      channel.basicPublish(
          topology.ordersExchange(),
          routingKey,
          true,
          new com.rabbitmq.client.AMQP.BasicProperties.Builder().deliveryMode(2).build(),
          body);
      channel.waitForConfirmsOrDie(30_000);
    }
  }
}
