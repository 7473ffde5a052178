package orderflow.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TestBroker;
import orderflow.topology.Topology;
import orderflow.topology.TopologyDeclarer;
import orderflow.trace.MessagingAttributes;
import orderflow.trace.TraceParent;
import orderflow.trace.Tracing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The legacy bridge's republish is a PRODUCER span that continues the legacy message's trace, or
 * starts one; with tracing off a legacy trace context passes through untouched.
 */
@ExtendWith(RabbitMqExtension.class)
class TracedLegacyBridgeIT {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final String LEGACY_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String LEGACY_SPAN = "00f067aa0ba902b7";
  private static final String LEGACY_PARENT = "00-" + LEGACY_TRACE + "-" + LEGACY_SPAN + "-01";

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
    Topology topology = declare(broker);
    GetResponse forwarded = forward(broker, topology, Tracing.with(sdk), LEGACY_PARENT, "order-t1");

    SpanData publish = theOnePublishSpan(topology);
    assertEquals(LEGACY_TRACE, publish.getTraceId());
    assertEquals(LEGACY_SPAN, publish.getParentSpanId());
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
    Topology topology = declare(broker);
    GetResponse forwarded = forward(broker, topology, Tracing.with(sdk), null, "order-t2");

    SpanData publish = theOnePublishSpan(topology);
    assertFalse(publish.getParentSpanContext().isValid());
    assertEquals(publish.getSpanContext().getTraceId(), carried(forwarded).getTraceId());
    assertEquals(publish.getSpanContext().getSpanId(), carried(forwarded).getSpanId());
  }

  @Test
  void withTracingOffALegacyTraceContextPassesThrough(TestBroker broker) throws Exception {
    Topology topology = declare(broker);
    GetResponse forwarded = forward(broker, topology, Tracing.OFF, LEGACY_PARENT, "order-t3");

    assertEquals(
        LEGACY_PARENT, forwarded.getProps().getHeaders().get(TraceParent.TRACEPARENT).toString());
  }

  /**
   * Publishes a seed order (with {@code traceparent} if not null) and gets what the bridge sent.
   */
  private static GetResponse forward(
      TestBroker broker, Topology topology, Tracing tracing, String traceparent, String orderId)
      throws Exception {
    try (LegacyOrderBridge.Running bridge =
        new LegacyOrderBridge(10, Duration.ofMillis(100))
            .start(broker.connection(), topology, tracing)) {
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
      TestBroker.await("the order forwarded", DEADLINE, () -> count(broker, inventory) == 1);
      return broker.get(inventory);
    }
  }

  /** The bridge's span, which ends on the connection's thread once the confirm arrived. */
  private SpanData theOnePublishSpan(Topology topology) {
    TestBroker.await(
        "the publish span", DEADLINE, () -> !exporter.getFinishedSpanItems().isEmpty());
    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertEquals(1, spans.size(), () -> "spans: " + spans);
    SpanData publish = spans.get(0);
    assertEquals(SpanKind.PRODUCER, publish.getKind());
    assertEquals(topology.ordersExchange() + " publish", publish.getName());
    assertEquals(
        MessagingAttributes.RABBITMQ, publish.getAttributes().get(MessagingAttributes.SYSTEM));
    assertEquals(
        topology.ordersExchange(), publish.getAttributes().get(MessagingAttributes.DESTINATION));
    return publish;
  }

  private static SpanContext carried(GetResponse message) {
    return Span.fromContext(TraceParent.fromHeaders(message.getProps().getHeaders()).context())
        .getSpanContext();
  }

  private static Topology declare(TestBroker broker) throws Exception {
    Topology topology = broker.topology();
    try (Channel channel = broker.connection().createChannel()) {
      TopologyDeclarer.declare(channel, topology);
    }
    return topology;
  }

  private static long count(TestBroker broker, String queue) {
    try {
      return broker.messageCount(queue);
    } catch (Exception e) {
      throw new AssertionError("cannot count " + queue, e);
    }
  }
}
