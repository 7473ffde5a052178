package orderflow.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import java.util.HashMap;
import java.util.Map;
import orderflow.envelope.EventCodec;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TestBroker;
import orderflow.topology.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RabbitMqExtension.class)
class TopologyCommandIT {
  @Test
  void verifyPassesOnAFreshlyDeclaredTopology(TestBroker broker) throws Exception {
    broker.topology();
    CommandRun.Result declared = run(broker, "declare", "--json");
    assertEquals(0, declared.exitCode(), declared.toString());
    assertEquals(
        broker.topology().queues().size(),
        EventCodec.mapper().readTree(declared.out()).get("queues").size());

    CommandRun.Result verified = run(broker, "verify");

    assertEquals(0, verified.exitCode(), verified.toString());
    assertTrue(verified.out().startsWith("OK"), verified.toString());
    assertTrue(verified.out().contains("bindings are not verified"), verified.toString());
  }

  @Test
  void verifyReportsAQueueDeclaredWithOtherArguments(TestBroker broker) throws Exception {
    Topology topology = broker.topology();
    assertEquals(0, run(broker, "declare").exitCode());
    String shipping = topology.queue(Topology.SHIPPING_QUEUE);
    try (Channel channel = broker.connection().createChannel()) {
      channel.queueDelete(shipping);
      channel.queueDeclare(shipping, true, false, false, null);
    }

    CommandRun.Result verified = run(broker, "verify", "--json");

    assertEquals(1, verified.exitCode(), verified.toString());
    JsonNode result = EventCodec.mapper().readTree(verified.out());
    assertEquals(false, result.get("matches").asBoolean());
    JsonNode differences = result.get("differences");
    assertTrue(differences.size() >= 1, verified.toString());
    for (JsonNode difference : differences) {
      assertEquals(shipping, difference.get("name").asText(), verified.toString());
      assertEquals("MISMATCH", difference.get("kind").asText(), verified.toString());
    }
    boolean queueTypeReported = false;
    for (JsonNode difference : differences) {
      queueTypeReported |= difference.get("property").asText().equals("x-queue-type");
    }
    assertTrue(queueTypeReported, verified.toString());
    assertEquals(1, verified.err().lines().count(), verified.toString());
  }

  @Test
  void verifyReportsAnEventsStreamWithOtherRetention(TestBroker broker) throws Exception {
    Topology topology = broker.topology();
    assertEquals(0, run(broker, "declare").exitCode());
    String stream = topology.eventsStream();
    try (Channel channel = broker.connection().createChannel()) {
      channel.queueDelete(stream);
      Map<String, Object> arguments =
          new HashMap<>(topology.eventsStreamSpec().orElseThrow().arguments());
      arguments.put("x-max-age", "1D");
      channel.queueDeclare(stream, true, false, false, arguments);
    }

    CommandRun.Result verified = run(broker, "verify");

    assertEquals(1, verified.exitCode(), verified.toString());
    assertTrue(
        verified.out().contains("queue '" + stream + "': x-max-age is 1D, expected 7D"),
        verified.toString());
  }

  @Test
  void verifyReportsMissingResourcesWithoutCreatingThem(TestBroker broker) throws Exception {
    Topology topology = broker.topology();

    CommandRun.Result verified = run(broker, "verify");

    assertEquals(1, verified.exitCode(), verified.toString());
    assertTrue(
        verified.out().contains("exchange '" + topology.ordersExchange() + "' is missing"),
        verified.toString());
    assertEquals(
        -1, OrderCommandIT.count(broker, topology.queue(Topology.INVENTORY_QUEUE)), "not created");
  }

  private static CommandRun.Result run(TestBroker broker, String... args) {
    String[] all = new String[args.length + 5];
    all[0] = "topology";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--uri";
    all[args.length + 2] = broker.uriString();
    all[args.length + 3] = "--namespace";
    all[args.length + 4] = broker.namespace();
    return CommandRun.run(all);
  }
}
