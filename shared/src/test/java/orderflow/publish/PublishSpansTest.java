package orderflow.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.OrderItem;
import orderflow.trace.MessagingAttributes;
import orderflow.trace.TraceParent;
import orderflow.trace.Tracing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PublishSpansTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN_ID = "00f067aa0ba902b7";

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                  .build())
          .build();
  private final PublishSpans spans = new PublishSpans(Tracing.with(sdk));

  @AfterEach
  void closeSdk() {
    sdk.close();
  }

  @Test
  void offLeavesTheMessageAsItIs() {
    OutgoingMessage message = message(TraceParent.NONE);

    PublishSpans.Traced traced = new PublishSpans(Tracing.OFF).start(message);

    assertSame(message, traced.message());
    assertFalse(traced.span().getSpanContext().isValid());
  }

  @Test
  void aMessageWithoutTraceIsPublishedInTheCurrentSpansTraceAndCarriesItsOwnSpan() {
    Span caller = sdk.getTracer("test").spanBuilder("caller").startSpan();
    OutgoingMessage message = message(TraceParent.NONE);
    PublishSpans.Traced traced;
    try (Scope scope = caller.makeCurrent()) {
      traced = spans.start(message);
    }
    PublishSpans.end(traced.span(), PublishOutcome.CONFIRMED);

    SpanData publish = exporter.getFinishedSpanItems().get(0);
    assertEquals(SpanKind.PRODUCER, publish.getKind());
    assertEquals("orders publish", publish.getName());
    assertEquals(caller.getSpanContext().getTraceId(), publish.getTraceId());
    assertEquals(caller.getSpanContext().getSpanId(), publish.getParentSpanId());
    assertEquals("order.created", publish.getAttributes().get(MessagingAttributes.ROUTING_KEY));
    assertEquals("order-1", publish.getAttributes().get(MessagingAttributes.CONVERSATION_ID));
    assertEquals("OrderCreated", publish.getAttributes().get(MessagingAttributes.EVENT_TYPE));
    assertEquals(publish.getSpanId(), carried(traced.message()).getSpanId());
    assertEquals(
        message.properties().getHeaders().get(EventMessages.VERSION_HEADER),
        traced.message().properties().getHeaders().get(EventMessages.VERSION_HEADER));
  }

  @Test
  void aMessageThatCarriesATraceContinuesItWhateverIsCurrent() {
    TraceParent carried = new TraceParent("00-" + TRACE_ID + "-" + SPAN_ID + "-01", null);
    Span unrelated = sdk.getTracer("test").spanBuilder("unrelated").startSpan();
    PublishSpans.Traced traced;
    try (Scope scope = unrelated.makeCurrent()) {
      traced = spans.start(message(carried));
    }
    PublishSpans.end(traced.span(), PublishOutcome.NACKED);

    SpanData publish = exporter.getFinishedSpanItems().get(0);
    assertEquals(TRACE_ID, publish.getTraceId());
    assertEquals(SPAN_ID, publish.getParentSpanId());
    assertEquals(TRACE_ID, carried(traced.message()).getTraceId());
    assertEquals(publish.getSpanId(), carried(traced.message()).getSpanId());
    assertEquals(StatusCode.ERROR, publish.getStatus().getStatusCode());
  }

  private static SpanContext carried(OutgoingMessage message) {
    return Span.fromContext(TraceParent.fromHeaders(message.properties().getHeaders()).context())
        .getSpanContext();
  }

  private static OutgoingMessage message(TraceParent trace) {
    EventEnvelope event =
        EventEnvelope.first(
            OrderCreated.of("order-1", "c", List.of(new OrderItem("p", 1, null))), "producer");
    return new OutgoingMessage(
        "orders",
        event.routingKey(),
        EventMessages.properties(event, trace),
        new EventCodec().encode(event));
  }
}
