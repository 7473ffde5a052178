package orderflow.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.LongString;
import com.rabbitmq.client.impl.LongStringHelper;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraceParentTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN_ID = "00f067aa0ba902b7";
  private static final String HEADER = "00-" + TRACE_ID + "-" + SPAN_ID + "-01";

  @Test
  void withoutASpanThereIsNoTraceAndNothingIsAllocated() {
    assertSame(TraceParent.NONE, TraceParent.current());
    Map<String, Object> headers = new HashMap<>();
    TraceParent.NONE.putInto(headers);
    assertTrue(headers.isEmpty());
    assertFalse(Span.fromContext(TraceParent.NONE.context()).getSpanContext().isValid());
  }

  @Test
  void theCurrentSpanBecomesW3cHeadersAndBack() {
    SpanContext span =
        SpanContext.create(
            TRACE_ID,
            SPAN_ID,
            TraceFlags.getSampled(),
            TraceState.builder().put("vendor", "value").build());
    TraceParent trace;
    try (Scope scope = Context.root().with(Span.wrap(span)).makeCurrent()) {
      trace = TraceParent.current();
    }
    assertEquals(HEADER, trace.traceparent());
    assertEquals("vendor=value", trace.tracestate());
    assertEquals(TRACE_ID, trace.traceId());
    Map<String, Object> headers = new HashMap<>();
    trace.putInto(headers);
    assertEquals(Map.of("traceparent", HEADER, "tracestate", "vendor=value"), headers);
    SpanContext back = Span.fromContext(trace.context()).getSpanContext();
    assertEquals(SPAN_ID, back.getSpanId());
    assertTrue(back.isRemote());
  }

  @Test
  void headersAsTheClientDeliversThemAreRead() {
    LongString value = LongStringHelper.asLongString(HEADER);
    TraceParent trace = TraceParent.fromHeaders(Map.of("traceparent", value));
    assertEquals(TRACE_ID, trace.traceId());
    assertNull(trace.tracestate());
    assertSame(TraceParent.NONE, TraceParent.fromHeaders(null));
    assertSame(TraceParent.NONE, TraceParent.fromHeaders(Map.of("x-event-version", "3")));
  }

  @Test
  void aMalformedTraceparentStartsNoTrace() {
    TraceParent trace = new TraceParent("00-not-a-trace-01", null);
    assertNull(trace.traceId());
    assertFalse(Span.fromContext(trace.context()).getSpanContext().isValid());
  }

  @Test
  void writtenOutDirectlyAsTheW3cPropagatorWritesIt() {
    W3CTraceContextPropagator w3c = W3CTraceContextPropagator.getInstance();
    for (TraceFlags flags : List.of(TraceFlags.getSampled(), TraceFlags.getDefault())) {
      for (TraceState state :
          List.of(
              TraceState.getDefault(),
              TraceState.builder().put("vendor", "v").build(),
              TraceState.builder().put("vendor", "v").put("other", "w").build())) {
        SpanContext span = SpanContext.create(TRACE_ID, SPAN_ID, flags, state);
        Map<String, String> expected = new HashMap<>();
        w3c.inject(Context.root().with(Span.wrap(span)), expected, Map::put);

        TraceParent trace = TraceParent.of(span);

        assertEquals(expected.get("traceparent"), trace.traceparent());
        assertEquals(expected.get("tracestate"), trace.tracestate());
      }
    }
    assertSame(TraceParent.NONE, TraceParent.of(SpanContext.getInvalid()));
  }
}
