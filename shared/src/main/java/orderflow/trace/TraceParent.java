package orderflow.trace;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

/** A W3C trace context as outbox rows and AMQP headers carry it; traceparent may be null. */
public record TraceParent(String traceparent, String tracestate) {
  public static final String TRACEPARENT = "traceparent";
  public static final String TRACESTATE = "tracestate";
  public static final TraceParent NONE = new TraceParent(null, null);

  private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

  public static TraceParent current() {
    return of(Span.current().getSpanContext());
  }

  /** Written out as the W3C propagator writes it, without a carrier or a context. */
  public static TraceParent of(SpanContext span) {
    if (!span.isValid()) {
      return NONE;
    }
    StringJoiner state = new StringJoiner(",");
    span.getTraceState().forEach((key, value) -> state.add(key + "=" + value));
    return new TraceParent(
        String.join("-", "00", span.getTraceId(), span.getSpanId(), span.getTraceFlags().asHex()),
        state.length() == 0 ? null : state.toString());
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
