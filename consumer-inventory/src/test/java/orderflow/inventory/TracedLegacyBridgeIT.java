package orderflow.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TestBroker;
import orderflow.testing.TestSettings;
import orderflow.topology.Topology;
import orderflow.trace.MessagingAttributes;
import orderflow.trace.TraceParent;
import orderflow.trace.Tracing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The legacy bridge's delivery continues the legacy message's trace, or starts one, and its
 * republish is a PRODUCER span of that trace, whose context the forwarded order carries.
 */
@ExtendWith(RabbitMqExtension.class)
class TracedLegacyBridgeIT {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final String LEGACY_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String LEGACY_SPAN = "00f067aa0ba902b7";
  private static final String LEGACY_PARENT = "00-" + LEGACY_TRACE + "-" + LEGACY_SPAN + "-01";

  @TempDir Path directory;
  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                  .build())
          .build();

  @AfterEach
  void closeSdk() {
    sdk.close();
  }

  @Test
  void theRepublishContinuesTheLegacyMessagesTrace(TestBroker broker) throws Exception {
    Topology topology = LegacyOrderBridgeIT.declare(broker);
    GetResponse forwarded = forward(broker, topology, Tracing.with(sdk), LEGACY_PARENT, "order-t1");

    SpanData publish = theOnePublishSpan(topology);
    assertEquals(LEGACY_TRACE, publish.getTraceId());
    assertEquals(LEGACY_SPAN, theConsumerSpan().getParentSpanId());
    assertEquals("order-t1", publish.getAttributes().get(MessagingAttributes.CONVERSATION_ID));
    assertEquals(
        forwarded.getProps().getMessageId(),
        publish.getAttributes().get(MessagingAttributes.MESSAGE_ID));
    assertEquals("order.created", publish.getAttributes().get(MessagingAttributes.ROUTING_KEY));
    assertEquals(publish.getSpanContext().getSpanId(), carried(forwarded).getSpanId());
    assertEquals(LEGACY_TRACE, carried(forwarded).getTraceId());
  }

  @Test
  void aLegacyMessageWithoutTraceStartsOne(TestBroker broker) throws Exception {
    Topology topology = LegacyOrderBridgeIT.declare(broker);
    GetResponse forwarded = forward(broker, topology, Tracing.with(sdk), null, "order-t2");

    SpanData publish = theOnePublishSpan(topology);
    assertFalse(theConsumerSpan().getParentSpanContext().isValid());
    assertEquals(theConsumerSpan().getTraceId(), publish.getTraceId());
    assertEquals(publish.getSpanContext().getTraceId(), carried(forwarded).getTraceId());
    assertEquals(publish.getSpanContext().getSpanId(), carried(forwarded).getSpanId());
  }

  @Test
  void withTracingOffTheForwardCarriesNoTraceContext(TestBroker broker) throws Exception {
    Topology topology = LegacyOrderBridgeIT.declare(broker);
    GetResponse forwarded = forward(broker, topology, Tracing.OFF, LEGACY_PARENT, "order-t3");

    Map<String, Object> headers = forwarded.getProps().getHeaders();
    assertNull(headers == null ? null : headers.get(TraceParent.TRACEPARENT));
    assertEquals(List.of(), exporter.getFinishedSpanItems());
  }

  /**
   * Publishes a seed order (with {@code traceparent} if not null) and gets what the bridge sent.
   */
  private GetResponse forward(
      TestBroker broker, Topology topology, Tracing tracing, String traceparent, String orderId)
      throws Exception {
    try (LegacyOrderBridgeIT.Bridge bridge =
        LegacyOrderBridgeIT.startBridge(
            broker, directory, TestSettings.builder().tracer(tracing))) {
      AMQP.BasicProperties properties =
          new AMQP.BasicProperties.Builder()
              .headers(traceparent == null ? Map.of() : Map.of("traceparent", traceparent))
              .build();
      try (Channel channel = broker.connection().createChannel()) {
        channel.basicPublish(
            "",
            topology.legacyQueue(),
            properties,
            LegacyOrderBridgeIT.seedOrder(orderId, "product456", 1));
      }
      String inventory = topology.queue(Topology.INVENTORY_QUEUE);
      TestBroker.await(
          "the order forwarded", DEADLINE, () -> LegacyOrderBridgeIT.count(broker, inventory) == 1);
      return broker.get(inventory);
    }
  }

  /** The outbox's span, which ends on the connection's thread once the confirm arrived. */
  private SpanData theOnePublishSpan(Topology topology) {
    TestBroker.await("the publish span", DEADLINE, () -> spans(SpanKind.PRODUCER).size() == 1);
    SpanData publish = spans(SpanKind.PRODUCER).get(0);
    assertEquals(topology.ordersExchange() + " publish", publish.getName());
    assertEquals(
        MessagingAttributes.RABBITMQ, publish.getAttributes().get(MessagingAttributes.SYSTEM));
    assertEquals(
        topology.ordersExchange(), publish.getAttributes().get(MessagingAttributes.DESTINATION));
    return publish;
  }

  private SpanData theConsumerSpan() {
    List<SpanData> consumers = spans(SpanKind.CONSUMER);
    assertEquals(1, consumers.size(), () -> "spans: " + consumers);
    return consumers.get(0);
  }

  private List<SpanData> spans(SpanKind kind) {
    return exporter.getFinishedSpanItems().stream().filter(s -> s.getKind() == kind).toList();
  }

  private static SpanContext carried(GetResponse message) {
    return Span.fromContext(TraceParent.fromHeaders(message.getProps().getHeaders()).context())
        .getSpanContext();
  }
}
