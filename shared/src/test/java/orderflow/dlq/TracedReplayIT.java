package orderflow.dlq;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import orderflow.deadletter.DeadLetterHeaders;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TestBroker;
import orderflow.topology.Topology;
import orderflow.trace.MessagingAttributes;
import orderflow.trace.TraceParent;
import orderflow.trace.Tracing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A replayed dead letter stays in its event's trace: with tracing, the replay is a PRODUCER span,
 * the child of the context the letter carries, and the replayed message carries the replay's
 * context; without, the letter's {@code traceparent} goes back unchanged.
 */
@ExtendWith(RabbitMqExtension.class)
class TracedReplayIT {
  private static final Duration DEADLINE = Duration.ofSeconds(15);
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PUBLISH_SPAN = "00f067aa0ba902b7";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + PUBLISH_SPAN + "-01";

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
  void aTracedReplayIsAPublishSpanInTheLettersTraceThatTheReplayedMessageContinues(
      TestBroker broker) throws Exception {
    Topology topology = declare(broker);
    deadLetter(broker, topology, "e-traced");

    DlqCommand.Replay result =
        new DeadLetterQueue(
                broker.connection(), topology, Topology.INVENTORY_QUEUE, Tracing.with(sdk))
            .replay(FilterOptions.all(), false);

    assertEquals(1, result.replayed().size());
    TestBroker.await(
        "the replay's span", DEADLINE, () -> !exporter.getFinishedSpanItems().isEmpty());
    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertEquals(1, spans.size(), () -> "spans: " + spans);
    SpanData replay = spans.get(0);
    assertEquals(SpanKind.PRODUCER, replay.getKind());
    assertEquals(topology.ordersExchange() + " publish", replay.getName());
    assertEquals(TRACE_ID, replay.getTraceId());
    assertEquals(PUBLISH_SPAN, replay.getParentSpanId());
    assertEquals("e-traced", replay.getAttributes().get(MessagingAttributes.MESSAGE_ID));
    assertEquals("order.created", replay.getAttributes().get(MessagingAttributes.ROUTING_KEY));
    SpanContext carried = carried(replayed(broker, topology));
    assertEquals(TRACE_ID, carried.getTraceId());
    assertEquals(replay.getSpanId(), carried.getSpanId());
  }

  @Test
  void anUntracedReplayKeepsTheLettersTraceparent(TestBroker broker) throws Exception {
    Topology topology = declare(broker);
    deadLetter(broker, topology, "e-untraced");

    new DeadLetterQueue(broker.connection(), topology, Topology.INVENTORY_QUEUE, Tracing.OFF)
        .replay(FilterOptions.all(), false);

    GetResponse replayed = replayed(broker, topology);
    assertEquals(
        TRACEPARENT, replayed.getProps().getHeaders().get(TraceParent.TRACEPARENT).toString());
    assertEquals(
        "vendor=1", replayed.getProps().getHeaders().get(TraceParent.TRACESTATE).toString());
  }

  private static GetResponse replayed(TestBroker broker, Topology topology) throws Exception {
    String work = topology.queue(Topology.INVENTORY_QUEUE);
    TestBroker.await("the replayed message", DEADLINE, () -> depth(broker, work) == 1);
    return broker.get(work);
  }

  private static SpanContext carried(GetResponse message) {
    return Span.fromContext(TraceParent.fromHeaders(message.getProps().getHeaders()).context())
        .getSpanContext();
  }

  /** A dead letter as the runtime writes it, with the trace context its delivery carried. */
  private static void deadLetter(TestBroker broker, Topology topology, String eventId)
      throws Exception {
    AMQP.BasicProperties properties =
        new AMQP.BasicProperties.Builder()
            .messageId(eventId)
            .type("OrderCreated")
            .correlationId("order-1")
            .deliveryMode(2)
            .headers(
                Map.of(
                    DeadLetterHeaders.REASON, "retries-exhausted",
                    DeadLetterHeaders.ORIGINAL_EXCHANGE, topology.ordersExchange(),
                    DeadLetterHeaders.ORIGINAL_ROUTING_KEY, "order.created",
                    TraceParent.TRACEPARENT, TRACEPARENT,
                    TraceParent.TRACESTATE, "vendor=1"))
            .build();
    String body = "{\"eventId\":\"" + eventId + "\",\"eventType\":\"OrderCreated\"}";
    try (Channel channel = broker.connection().createChannel()) {
      channel.confirmSelect();
      channel.basicPublish(
          "",
          topology.deadLetterQueue(Topology.INVENTORY_QUEUE),
          true,
          properties,
          body.getBytes(StandardCharsets.UTF_8));
      channel.waitForConfirmsOrDie(5_000);
    }
  }

  private static Topology declare(TestBroker broker) throws Exception {
    Topology topology = broker.topology();
    try (Channel channel = broker.connection().createChannel()) {
      topology.declare(channel);
    }
    return topology;
  }

  private static long depth(TestBroker broker, String queue) {
    try {
      return broker.messageCount(queue);
    } catch (Exception e) {
      throw new AssertionError("cannot count " + queue, e);
    }
  }
}
