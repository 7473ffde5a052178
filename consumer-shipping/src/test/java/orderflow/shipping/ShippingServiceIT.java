package orderflow.shipping;

import static orderflow.shipping.Reservations.newOrderId;
import static orderflow.shipping.Reservations.reserved;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import orderflow.consume.process.ServiceMain;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventType;
import orderflow.envelope.OrderShipped;
import orderflow.envelope.ReservedItem;
import orderflow.publish.EventMessages;
import orderflow.publish.OutgoingMessage;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TestBroker;
import orderflow.testing.TestDatabases;
import orderflow.testing.TestSettings;
import orderflow.topology.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real shipping service, in-process on the consumer runtime, fed InventoryReserved events
 * through the namespace's orders exchange; what it announces is caught on a queue bound to {@code
 * order.shipped}.
 */
@ExtendWith(RabbitMqExtension.class)
class ShippingServiceIT {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final EventCodec codec = new EventCodec();
  private ServiceMain.RunningService service;

  @AfterEach
  void stopService() {
    if (service != null) {
      service.stop();
    }
  }

  @Test
  void shipsEachReservedOrderOnceAndAnnouncesItWithTheSagasIds(TestBroker broker) throws Exception {
    Topology topology = broker.topology();
    String shipped = catchOrderShipped(broker, topology);
    String dbUrl = TestDatabases.sqlite(dir);
    service =
        ServiceMain.start(
            broker.settings(),
            TestSettings.defaults(),
            dbUrl,
            ShippingService.definition(Clock.systemUTC()));

    String orderA = newOrderId();
    String orderB = newOrderId();
    EventEnvelope reservedA = reserved(orderA, new ReservedItem("P1", 2));
    EventEnvelope reservedB = reserved(orderB, new ReservedItem("P2", 1));
    // The same reservation of A again under a new eventId (e.g. inventory redelivered its
    // OrderCreated): ships nothing new but announces A's shipment again.
    EventEnvelope reservedAAgain =
        new EventEnvelope(
            UUID.randomUUID(),
            reservedA.eventType(),
            reservedA.timestamp(),
            reservedA.payload(),
            reservedA.metadata());
    // B's exact event twice: the inbox absorbs the second copy, nothing is announced for it.
    publish(broker, topology, reservedA, reservedB, reservedB, reservedAAgain);

    TestBroker.await(
        "three OrderShipped on " + shipped, DEADLINE, () -> count(broker, shipped) >= 3);
    List<GetResponse> announcements = drain(broker, shipped);

    CommandRun query = CommandRun.of("shipments", "--db", dbUrl, "--json");
    assertEquals(0, query.exitCode(), query.err());
    Map<String, JsonNode> shipments = new HashMap<>();
    EventCodec.mapper()
        .readTree(query.out())
        .forEach(s -> shipments.put(s.path("orderId").asText(), s));
    assertEquals(2, shipments.size(), "one shipment per order: " + query.out());

    assertEquals(3, announcements.size(), "A, B, and A again; B's duplicate absorbed");
    List<EventEnvelope> events = new ArrayList<>();
    for (GetResponse announcement : announcements) {
      EventEnvelope event = codec.decode(announcement.getBody());
      events.add(event);
      assertEquals(EventType.ORDER_SHIPPED, event.eventType());
      assertEquals(event.eventId().toString(), announcement.getProps().getMessageId());
      assertEquals("OrderShipped", announcement.getProps().getType());
      assertEquals(ShippingService.NAME, event.metadata().source());
      OrderShipped payload = event.payloadAs(OrderShipped.class);
      JsonNode shipment = shipments.get(payload.orderId());
      assertNotNull(shipment, "announced a shipment that is not stored: " + payload);
      assertEquals(shipment.path("shipmentId").asText(), payload.shipmentId());
      assertEquals(shipment.path("carrier").asText(), payload.carrier());
      assertEquals(shipment.path("trackingNumber").asText(), payload.trackingNumber());
      assertEquals(payload.orderId(), event.metadata().correlationId());
      assertEquals(payload.orderId(), announcement.getProps().getCorrelationId());
    }
    assertEquals(
        List.of(
            reservedA.eventId().toString(),
            reservedB.eventId().toString(),
            reservedAAgain.eventId().toString()),
        events.stream().map(e -> e.metadata().causationId()).toList(),
        "each announcement names the reservation that caused it, in order");
    assertEquals(events.get(0).payload(), events.get(2).payload(), "A's one shipment, twice");
  }

  /** Declares the topology and a queue of the test's own bound to {@code order.shipped}. */
  private static String catchOrderShipped(TestBroker broker, Topology topology)
      throws IOException, TimeoutException {
    String queue = topology.name("test.order-shipped");
    broker.deleteAfter(queue);
    try (Channel channel = broker.connection().createChannel()) {
      topology.declare(channel);
      channel.queueDeclare(queue, false, false, false, null);
      channel.queueBind(queue, topology.ordersExchange(), EventType.ORDER_SHIPPED.routingKey());
    }
    return queue;
  }

  private void publish(TestBroker broker, Topology topology, EventEnvelope... events)
      throws Exception {
    EventMessages messages = new EventMessages(codec);
    try (Channel channel = broker.connection().createChannel()) {
      channel.confirmSelect();
      for (EventEnvelope event : events) {
        OutgoingMessage message = messages.toMessage(event, topology.ordersExchange());
        channel.basicPublish(
            message.exchange(), message.routingKey(), true, message.properties(), message.body());
      }
      channel.waitForConfirmsOrDie(DEADLINE.toMillis());
    }
  }

  private static long count(TestBroker broker, String queue) {
    try {
      return broker.messageCount(queue);
    } catch (IOException | TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<GetResponse> drain(TestBroker broker, String queue) throws Exception {
    List<GetResponse> messages = new ArrayList<>();
    for (GetResponse message = broker.get(queue); message != null; message = broker.get(queue)) {
      messages.add(message);
    }
    return messages;
  }
}
