package orderflow.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import orderflow.envelope.EventCodec;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TestBroker;
import orderflow.topology.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RabbitMqExtension.class)
class LoadCommandIT {
  @Test
  void tenThousandOrdersAreAllConfirmedAndAllQueued(TestBroker broker) throws Exception {
    String queue = broker.topology().queue(Topology.INVENTORY_QUEUE);

    DriverRun.Result result =
        DriverRun.run(
            "load",
            "--uri",
            broker.uriString(),
            "--namespace",
            broker.namespace(),
            "--count",
            "10000",
            "--json");

    assertEquals(0, result.exitCode(), result.toString());
    JsonNode summary = EventCodec.mapper().readTree(result.out());
    assertEquals(10_000, summary.get("published").asLong());
    assertEquals(10_000, summary.get("confirmed").asLong());
    assertEquals(0, summary.get("nacked").asLong());
    assertEquals(0, summary.get("returned").asLong());
    assertTrue(summary.get("ratePerSec").asDouble() > 0, result.out());
    // Nothing sets an alarm on the shared test broker: the field is there, and nothing blocked.
    assertTrue(summary.get("blockedSeconds").isNumber(), result.out());
    assertEquals(0.0, summary.get("blockedSeconds").asDouble(), result.out());
    JsonNode latency = summary.get("confirmLatencyMs");
    assertTrue(latency.get("p50").asDouble() <= latency.get("p99").asDouble(), result.out());
    TestBroker.await(
        "exactly 10000 messages in " + queue,
        Duration.ofSeconds(15),
        () -> OrderCommandIT.count(broker, queue) == 10_000);
  }
}
