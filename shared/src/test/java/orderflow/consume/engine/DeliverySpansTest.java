package orderflow.consume.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.Map;
import orderflow.deadletter.DeadLetterHeaders;
import orderflow.trace.MessagingAttributes;
import orderflow.trace.Tracing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeliverySpansTest {
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

  @AfterEach
  void closeSdk() {
    sdk.close();
  }

  @Test
  void offIsTheOneSharedInstance() {
    assertSame(DeliverySpans.OFF, DeliverySpans.start(Tracing.OFF, "q", List.of(delivery(1, ""))));
  }

  @Test
  void eachDeliveryIsAConsumerSpanUnderItsMessagesContextEndedWithItsOutcome() {
    List<ReceivedDelivery> batch =
        List.of(delivery(1, "00-" + TRACE_ID + "-" + SPAN_ID + "-01"), delivery(2, null));
    DeliverySpans spans = DeliverySpans.start(Tracing.with(sdk), "ns.inventory", batch);

    spans.settled(
        0,
        new DeliverySettler.Settlement(batch.get(0), new Outcome.Applied(null), null, null, true));
    spans.settled(
        1,
        new DeliverySettler.Settlement(
            batch.get(1), new Outcome.Duplicate(null), null, null, true));

    List<SpanData> ended = exporter.getFinishedSpanItems();
    assertEquals(2, ended.size());
    SpanData traced = ended.get(0);
    assertEquals("ns.inventory process", traced.getName());
    assertEquals(SpanKind.CONSUMER, traced.getKind());
    assertEquals(TRACE_ID, traced.getTraceId());
    assertEquals(SPAN_ID, traced.getParentSpanId());
    assertEquals("applied", traced.getAttributes().get(MessagingAttributes.OUTCOME));
    assertNull(traced.getAttributes().get(MessagingAttributes.ATTEMPT), "a first attempt");
    assertEquals("event-1", traced.getAttributes().get(MessagingAttributes.MESSAGE_ID));
    SpanData untraced = ended.get(1);
    assertFalse(untraced.getParentSpanContext().isValid());
    assertEquals("duplicate", untraced.getAttributes().get(MessagingAttributes.OUTCOME));
    assertEquals(spans.traceId(1), untraced.getTraceId());
  }

  @Test
  void aRetriedDeliverySaysItsAttemptAndThatItWasRetried() {
    ReceivedDelivery retried =
        new ReceivedDelivery(
            new Envelope(3, false, "orders", "order.created"),
            new AMQP.BasicProperties.Builder()
                .messageId("event-3")
                .headers(Map.of(DeadLetterHeaders.ATTEMPTS, 1))
                .build(),
            new byte[] {'{', '}'});
    DeliverySpans spans = DeliverySpans.start(Tracing.with(sdk), "q", List.of(retried));

    spans.abandon(new IllegalStateException("test"));

    SpanData span = exporter.getFinishedSpanItems().get(0);
    assertEquals(2L, span.getAttributes().get(MessagingAttributes.ATTEMPT));
    assertEquals(List.of("retried delivery", "exception"), eventNames(span));
  }

  private static List<String> eventNames(SpanData span) {
    return span.getEvents().stream().map(EventData::getName).toList();
  }

  private static ReceivedDelivery delivery(long tag, String traceparent) {
    return new ReceivedDelivery(
        new Envelope(tag, false, "orders", "order.created"),
        new AMQP.BasicProperties.Builder()
            .type("OrderCreated")
            .messageId("event-" + tag)
            .headers(traceparent == null ? Map.of() : Map.of("traceparent", traceparent))
            .build(),
        new byte[] {'{', '}'});
  }
}
