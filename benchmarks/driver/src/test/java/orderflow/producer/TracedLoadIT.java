package orderflow.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.GetResponse;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TestBroker;
import orderflow.topology.Topology;
import orderflow.trace.TraceParent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code producer load --tracing}: each OrderCreated publish is a PRODUCER span that starts the
 * order's trace, exported through the producer's test {@link MemoryExporterProvider}.
 */
@ExtendWith(RabbitMqExtension.class)
class TracedLoadIT {
  @BeforeEach
  void exportIntoMemory() {
    MemoryExporterProvider.SPANS.reset();
    System.setProperty("otel.traces.exporter", MemoryExporterProvider.NAME);
  }

  @AfterEach
  void restore() {
    System.clearProperty("otel.traces.exporter");
  }

  @Test
  void aTracedLoadPublishesEachOrderInASpanOfItsOwnTrace(TestBroker broker) throws Exception {
    Topology topology = broker.topology();

    DriverRun.Result result =
        DriverRun.run(
            "load",
            "--uri",
            broker.uriString(),
            "--namespace",
            broker.namespace(),
            "--count",
            "5",
            "--tracing",
            "--json");

    assertEquals(0, result.exitCode(), result.toString());
    List<SpanData> spans = MemoryExporterProvider.SPANS.getFinishedSpanItems();
    assertEquals(5, spans.size(), () -> "spans: " + spans);
    assertEquals(5, spans.stream().map(SpanData::getTraceId).distinct().count());
    for (SpanData span : spans) {
      assertEquals(SpanKind.PRODUCER, span.getKind());
      assertEquals(topology.ordersExchange() + " publish", span.getName());
      assertEquals(StatusCode.UNSET, span.getStatus().getStatusCode(), "confirmed");
    }
    String queue = topology.queue(Topology.INVENTORY_QUEUE);
    TestBroker.await(
        "the orders in " + queue,
        Duration.ofSeconds(20),
        () -> OrderCommandIT.count(broker, queue) == 5);
    GetResponse first = broker.get(queue);
    String traceId = TraceParent.fromHeaders(first.getProps().getHeaders()).traceId();
    assertTrue(spans.stream().anyMatch(span -> span.getTraceId().equals(traceId)));
  }
}
