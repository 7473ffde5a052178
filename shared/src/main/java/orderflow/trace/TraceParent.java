package orderflow.trace;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A W3C trace context as outbox rows and AMQP headers carry it; traceparent may be null. */
public record TraceParent(String traceparent, String tracestate) {
  public static final String TRACEPARENT = "traceparent";
  public static final String TRACESTATE = "tracestate";
  public static final TraceParent NONE = new TraceParent(null, null);

  private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

  public static TraceParent current() {
    return of(Span.current().getSpanContext());
  }

  /** Without vendor state (the usual case) written out directly: no carrier, no context. */
  public static TraceParent of(SpanContext span) {
    if (!span.isValid()) {
      return NONE;
    }
    if (span.getTraceState().isEmpty()) {
      return new TraceParent(
          String.join("-", "00", span.getTraceId(), span.getSpanId(), span.getTraceFlags().asHex()),
          null);
    }
    Map<String, String> carrier = new HashMap<>(4);
    W3C.inject(Context.root().with(Span.wrap(span)), carrier, Map::put);
    return new TraceParent(carrier.get(TRACEPARENT), carrier.get(TRACESTATE));
  }

  public static TraceParent fromHeaders(Map<String, Object> headers) {
    Object parent = headers == null ? null : headers.get(TRACEPARENT);
    return parent == null
        ? NONE
        : new TraceParent(parent.toString(), Objects.toString(headers.get(TRACESTATE), null));
  }

  public boolean present() {
    return traceparent != null;
  }

  /** The root context when absent or malformed. */
  public Context context() {
    return W3C.extract(Context.root(), this, Getter.INSTANCE);
  }

  public String traceId() {
    SpanContext span = Span.fromContext(context()).getSpanContext();
    return span.isValid() ? span.getTraceId() : null;
  }

  public void putInto(Map<String, Object> headers) {
    if (traceparent != null) {
      headers.put(TRACEPARENT, traceparent);
      if (tracestate != null && !tracestate.isEmpty()) {
        headers.put(TRACESTATE, tracestate);
      }
    }
  }

  private enum Getter implements TextMapGetter<TraceParent> {
    INSTANCE;

    // Still abstract in the API, though deprecated; the W3C propagator never calls it.
    @SuppressWarnings("deprecation")
    @Override
    public Iterable<String> keys(TraceParent carrier) {
      return List.of(TRACEPARENT, TRACESTATE);
    }

    @Override
    public String get(TraceParent carrier, String key) {
      return TRACEPARENT.equals(key)
          ? carrier.traceparent
          : TRACESTATE.equals(key) ? carrier.tracestate : null;
    }
  }
}
