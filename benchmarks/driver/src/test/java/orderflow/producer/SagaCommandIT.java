package orderflow.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventPayload;
import orderflow.envelope.InventoryRejected;
import orderflow.envelope.InventoryReleased;
import orderflow.envelope.InventoryReserved;
import orderflow.envelope.OrderCancelled;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.OrderShipped;
import orderflow.envelope.ReservedItem;
import orderflow.envelope.ShipmentCancelled;
import orderflow.envelope.ShipmentFailed;
import orderflow.envelope.Shortage;
import orderflow.publish.EventMessages;
import orderflow.publish.OutgoingMessage;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TestBroker;
import orderflow.topology.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code producer saga} against a real broker, with the test standing in for the services: it
 * answers every OrderCreated the saga publishes, so the saga's own counting is what is checked.
 */
@ExtendWith(RabbitMqExtension.class)
class SagaCommandIT {
  private static final EventCodec CODEC = new EventCodec();

  @Test
  void followsEveryOrderToShippedRejectedOrDeadLetteredAndExitsZero(TestBroker broker)
      throws Exception {
    Topology topology = broker.topology();
    AtomicInteger answered = new AtomicInteger();
    try (Channel services = broker.connection().createChannel()) {
      topology.declare(services);
      // The 1st order is shipped, the 2nd rejected, the 3rd dead-lettered, and so on.
      answerOrders(
          services,
          topology,
          order -> {
            int n = answered.getAndIncrement();
            if (n % 3 == 0) {
              publish(services, topology, order, reserved(order));
              publish(services, topology, order, shipped(order));
            } else if (n % 3 == 1) {
              publish(services, topology, order, rejected(order));
            } else {
              deadLetter(services, topology, order);
            }
          });

      DriverRun.Result run = saga(broker, "--count", "6", "--timeout", "30s", "--json");

      assertEquals(0, run.exitCode(), run.toString());
      JsonNode summary = EventCodec.mapper().readTree(run.out());
      assertEquals(6, summary.get("created").asLong(), run.toString());
      assertEquals(2, summary.get("reserved").asLong(), run.toString());
      assertEquals(2, summary.get("shipped").asLong(), run.toString());
      assertEquals(2, summary.get("rejected").asLong(), run.toString());
      assertEquals(2, summary.get("deadLettered").asLong(), run.toString());
      assertEquals(0, summary.get("unfinished").asLong(), run.toString());
      assertTrue(summary.get("retried").isNull(), "no --metrics-url: " + run);
      assertTrue(summary.get("endToEndLatencyMs").get("p50").asDouble() >= 0, run.toString());
      assertTrue(summary.get("shippedPerSec").asDouble() > 0, run.toString());
      assertTrue(summary.get("overallShippedPerSec").asDouble() > 0, run.toString());
    }
  }

  @Test
  void ordersNobodyAnswersAreReportedUnfinishedWithExitOne(TestBroker broker) throws Exception {
    broker.topology();

    DriverRun.Result run = saga(broker, "--count", "2", "--timeout", "1s");

    assertEquals(1, run.exitCode(), run.toString());
    assertTrue(run.out().contains("created              2"), run.toString());
    assertTrue(run.out().contains("unfinished           2"), run.toString());
    assertTrue(
        run.err().startsWith("producer: 2 of 2 orders did not finish within"), run.toString());
  }

  @Test
  void cancelsEveryOrderAtCancelRateOneAndWaitsForEachRelease(TestBroker broker) throws Exception {
    Topology topology = broker.topology();
    try (Channel services = broker.connection().createChannel()) {
      topology.declare(services);
      // Inventory reserves each order; shipping cancels it; inventory releases the reservation.
      answerEvents(
          services,
          topology,
          event -> {
            if (event.payload() instanceof OrderCreated) {
              publish(services, topology, event, reserved(event));
            } else if (event.payload() instanceof OrderCancelled cancellation) {
              publish(
                  services,
                  topology,
                  event,
                  new ShipmentCancelled(cancellation.orderId(), "asked"));
              publish(services, topology, event, released(cancellation.orderId()));
            }
          });

      DriverRun.Result run =
          saga(
              broker,
              "--count",
              "5",
              "--cancel-rate",
              "1",
              "--cancel-within",
              "200ms",
              "--timeout",
              "30s",
              "--json");

      assertEquals(0, run.exitCode(), run.toString());
      JsonNode summary = EventCodec.mapper().readTree(run.out());
      assertEquals(5, summary.get("cancellations").asLong(), run.toString());
      assertEquals(5, summary.get("cancelled").asLong(), run.toString());
      assertEquals(5, summary.get("released").asLong(), run.toString());
      assertEquals(0, summary.get("shipped").asLong(), run.toString());
      assertEquals(0, summary.get("conflicting").asLong(), run.toString());
      assertEquals(0, summary.get("unfinished").asLong(), run.toString());
    }
  }

  @Test
  void aFailedShipmentIsAnEndStateAndAnUnreleasedOneIsUnfinished(TestBroker broker)
      throws Exception {
    Topology topology = broker.topology();
    AtomicInteger answered = new AtomicInteger();
    try (Channel services = broker.connection().createChannel()) {
      topology.declare(services);
      // Shipping fails every order; inventory releases only the first one's reservation.
      answerEvents(
          services,
          topology,
          event -> {
            if (event.payload() instanceof OrderCreated order) {
              publish(services, topology, event, reserved(event));
              publish(services, topology, event, new ShipmentFailed(order.orderId(), "no carrier"));
              if (answered.getAndIncrement() == 0) {
                publish(services, topology, event, released(order.orderId()));
              }
            }
          });

      DriverRun.Result run = saga(broker, "--count", "2", "--timeout", "2s", "--json");

      assertEquals(1, run.exitCode(), run.toString());
      JsonNode summary = EventCodec.mapper().readTree(run.out());
      assertEquals(2, summary.get("failed").asLong(), run.toString());
      assertEquals(1, summary.get("released").asLong(), run.toString());
      assertEquals(1, summary.get("unfinished").asLong(), run.toString());
    }
  }

  private static DriverRun.Result saga(TestBroker broker, String... options) {
    String[] args = new String[options.length + 5];
    args[0] = "saga";
    args[1] = "--uri";
    args[2] = broker.uriString();
    args[3] = "--namespace";
    args[4] = broker.namespace();
    System.arraycopy(options, 0, args, 5, options.length);
    return DriverRun.run(args);
  }

  /** Stands in for the services: {@code answer} runs for each OrderCreated on the exchange. */
  private static void answerOrders(Channel channel, Topology topology, Answer answer)
      throws IOException {
    String queue = channel.queueDeclare("", false, true, true, null).getQueue();
    channel.queueBind(queue, topology.ordersExchange(), "order.created");
    channel.basicConsume(
        queue,
        true,
        (tag, delivery) -> {
          EventEnvelope event = CODEC.decode(delivery.getBody());
          if (event.payload() instanceof OrderCreated) {
            answer.to(event);
          }
        },
        tag -> {});
  }

  /** Stands in for the services: {@code answer} runs for each OrderCreated and OrderCancelled. */
  private static void answerEvents(Channel channel, Topology topology, Answer answer)
      throws IOException {
    String queue = channel.queueDeclare("", false, true, true, null).getQueue();
    channel.queueBind(queue, topology.ordersExchange(), "order.created");
    channel.queueBind(queue, topology.ordersExchange(), "order.cancelled");
    channel.basicConsume(
        queue, true, (tag, delivery) -> answer.to(CODEC.decode(delivery.getBody())), tag -> {});
  }

  @FunctionalInterface
  private interface Answer {
    void to(EventEnvelope order) throws IOException;
  }

  private static void publish(
      Channel channel, Topology topology, EventEnvelope cause, EventPayload payload)
      throws IOException {
    EventEnvelope event = EventEnvelope.causedBy(cause, payload, "test");
    OutgoingMessage message = new EventMessages(CODEC).toMessage(event, topology.ordersExchange());
    channel.basicPublish(
        message.exchange(), message.routingKey(), message.properties(), message.body());
  }

  private static void deadLetter(Channel channel, Topology topology, EventEnvelope order)
      throws IOException {
    OutgoingMessage message = new EventMessages(CODEC).toMessage(order, "");
    channel.basicPublish(
        "",
        topology.deadLetterQueue(Topology.INVENTORY_QUEUE),
        message.properties(),
        message.body());
  }

  private static InventoryReserved reserved(EventEnvelope order) {
    return new InventoryReserved(
        order.payload().orderId(), "r-" + order.eventId(), List.of(new ReservedItem("sku-1", 1)));
  }

  private static InventoryReleased released(String orderId) {
    return new InventoryReleased(
        orderId, "r-" + orderId, List.of(new ReservedItem("sku-1", 1)), "cancelled");
  }

  private static InventoryRejected rejected(EventEnvelope order) {
    return new InventoryRejected(order.payload().orderId(), List.of(new Shortage("sku-1", 1, 0)));
  }

  private static OrderShipped shipped(EventEnvelope order) {
    return new OrderShipped(order.payload().orderId(), "s-" + order.eventId(), "DHL", "DHL01");
  }
}
