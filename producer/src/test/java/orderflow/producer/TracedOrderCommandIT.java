package orderflow.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.GetResponse;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import orderflow.consume.engine.ConsumerSettings;
import orderflow.consume.process.ServiceMain;
import orderflow.envelope.EventCodec;
import orderflow.orderservice.OrderService;
import orderflow.store.Dialect;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TestBroker;
import orderflow.testing.TestDatabases;
import orderflow.testing.TestSettings;
import orderflow.topology.RetryTiers;
import orderflow.topology.Topology;
import orderflow.trace.MessagingAttributes;
import orderflow.trace.TraceParent;
import orderflow.trace.Tracing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code producer order --tracing}: each OrderCreated publish is a PRODUCER span that starts the
 * order's trace, and the order service's delivery span is its child. The command configures its SDK
 * as in production (autoconfigure), exporting through {@link MemoryExporterProvider}.
 */
@ExtendWith(RabbitMqExtension.class)
class TracedOrderCommandIT {
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  @TempDir Path dir;

  private final OpenTelemetrySdk serviceSdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(
                      SimpleSpanProcessor.create(new MemoryExporterProvider().createExporter(null)))
                  .build())
          .build();

  @BeforeEach
  void exportIntoMemory() {
    MemoryExporterProvider.SPANS.reset();
    System.setProperty("otel.traces.exporter", MemoryExporterProvider.NAME);
  }

  @AfterEach
  void restore() {
    System.clearProperty("otel.traces.exporter");
    serviceSdk.close();
  }

  @Test
  void aTracedOrderIsAPublishSpanWhoseChildIsTheOrderServicesDelivery(TestBroker broker)
      throws Exception {
    Topology topology = broker.topology(RetryTiers.parse("100ms"));
    ServiceMain.RunningService orderService = startOrderService(broker);
    try {
      CommandRun.Result result = order(broker, "--tracing");

      assertEquals(0, result.exitCode(), result.toString());
      JsonNode printed = EventCodec.mapper().readTree(result.out());
      String eventId = printed.get("eventId").asText();
      SpanData publish = span(SpanKind.PRODUCER, eventId);
      assertEquals(topology.ordersExchange() + " publish", publish.getName());
      assertFalse(publish.getParentSpanContext().isValid(), "the order starts its trace");
      assertEquals(
          printed.get("orderId").asText(),
          publish.getAttributes().get(MessagingAttributes.CONVERSATION_ID));
      assertEquals("order.created", publish.getAttributes().get(MessagingAttributes.ROUTING_KEY));
      assertEquals(
          MessagingAttributes.RABBITMQ, publish.getAttributes().get(MessagingAttributes.SYSTEM));

      SpanData delivery = span(SpanKind.CONSUMER, eventId);
      assertEquals(topology.queue(Topology.ORDERS_VIEW_QUEUE) + " process", delivery.getName());
      assertEquals(publish.getTraceId(), delivery.getTraceId());
      assertEquals(publish.getSpanId(), delivery.getParentSpanId());
    } finally {
      orderService.stop();
    }
  }

  @Test
  void withoutTracingTheOrderCarriesNoTraceContext(TestBroker broker) throws Exception {
    Topology topology = broker.topology();

    CommandRun.Result result = order(broker);

    assertEquals(0, result.exitCode(), result.toString());
    String queue = topology.queue(Topology.INVENTORY_QUEUE);
    TestBroker.await("the order in " + queue, DEADLINE, () -> depth(broker, queue) == 1);
    GetResponse message = broker.get(queue);
    assertNull(message.getProps().getHeaders().get(TraceParent.TRACEPARENT));
    assertEquals(List.of(), MemoryExporterProvider.SPANS.getFinishedSpanItems());
  }

  private static CommandRun.Result order(TestBroker broker, String... extra) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "order",
                "--uri",
                broker.uriString(),
                "--namespace",
                broker.namespace(),
                "--customer",
                "traced",
                "--item",
                "sku-1:1:2.50",
                "--json"));
    args.addAll(List.of(extra));
    return CommandRun.run(args.toArray(String[]::new));
  }

  /** The span of {@code kind} about event {@code eventId}, once it has ended. */
  private static SpanData span(SpanKind kind, String eventId) {
    TestBroker.await(
        "a " + kind + " span for " + eventId, DEADLINE, () -> find(kind, eventId).isPresent());
    return find(kind, eventId).orElseThrow();
  }

  private static Optional<SpanData> find(SpanKind kind, String eventId) {
    return MemoryExporterProvider.SPANS.getFinishedSpanItems().stream()
        .filter(s -> s.getKind() == kind)
        .filter(s -> eventId.equals(s.getAttributes().get(MessagingAttributes.MESSAGE_ID)))
        .findFirst();
  }

  private ServiceMain.RunningService startOrderService(TestBroker broker) throws Exception {
    String db = TestDatabases.sqlite(dir);
    ConsumerSettings settings =
        TestSettings.builder()
            .prefetch(10)
            .tiers(RetryTiers.parse("100ms"))
            .maxRetries(1)
            .batchSize(10)
            .shutdownTimeout(Duration.ofSeconds(10))
            .tracer(Tracing.with(serviceSdk))
            .build();
    return ServiceMain.start(
        broker.settings(),
        settings,
        db,
        OrderService.definition(Dialect.of(db), Clock.systemUTC()));
  }

  private static long depth(TestBroker broker, String queue) {
    try {
      return broker.messageCount(queue);
    } catch (Exception e) {
      throw new AssertionError("cannot count " + queue, e);
    }
  }
}
