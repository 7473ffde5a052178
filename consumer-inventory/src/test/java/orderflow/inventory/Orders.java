package orderflow.inventory;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.OrderItem;
import orderflow.publish.ConfirmingPublisher;
import orderflow.publish.EventMessages;
import orderflow.publish.PublishOutcome;
import orderflow.testing.TestBroker;
import orderflow.topology.Topology;

/** Publishes orders in tests: as the producer does, or as seed 000's pika OrderService does. */
final class Orders {
  private Orders() {}

  static OrderCreated order(String... productAndQuantity) {
    List<OrderItem> items = new ArrayList<>();
    for (String spec : productAndQuantity) {
      String[] parts = spec.split(":");
      items.add(new OrderItem(parts[0], Integer.parseInt(parts[1]), new BigDecimal("2.50")));
    }
    return OrderCreated.of(UUID.randomUUID().toString(), "customer", items);
  }

  /** Publishes each envelope with confirms, failing unless every one is confirmed. */
  static void publish(TestBroker broker, Topology topology, List<EventEnvelope> events)
      throws Exception {
    EventMessages messages = new EventMessages(new EventCodec());
    try (ConfirmingPublisher publisher =
        new ConfirmingPublisher(broker.connection().createChannel(), 500)) {
      List<CompletableFuture<PublishOutcome>> outcomes = new ArrayList<>();
      for (EventEnvelope event : events) {
        outcomes.add(publisher.publish(messages.toMessage(event, topology.ordersExchange())));
      }
      for (CompletableFuture<PublishOutcome> outcome : outcomes) {
        PublishOutcome result = outcome.get(30, TimeUnit.SECONDS);
        if (!result.confirmed()) {
          throw new AssertionError("publish was " + result);
        }
      }
    }
  }

  static List<EventEnvelope> envelopes(List<OrderCreated> orders) {
    return orders.stream().map(o -> EventEnvelope.first(o, "producer")).toList();
  }

  /** Exactly as seed 000: default exchange, routing key = the queue, no properties. */
  static void publishLikeTheSeed(
      TestBroker broker, Topology topology, String orderId, String productId, int quantity)
      throws Exception {
    String body =
        "{\"type\": \"OrderCreated\", \"data\": {\"order_id\": \""
            + orderId
            + "\", \"user_id\": \"user123\", \"product_id\": \""
            + productId
            + "\", \"quantity\": "
            + quantity
            + ", \"status\": \"created\"}}";
    try (Channel channel = broker.connection().createChannel()) {
      channel.basicPublish("", topology.legacyQueue(), new AMQP.BasicProperties(), body.getBytes());
    }
  }
}
