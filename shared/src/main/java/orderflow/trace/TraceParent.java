package orderflow.trace;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A W3C trace context as text: what an outbox row keeps and an AMQP message carries in its {@code
 * traceparent} and {@code tracestate} headers. Immutable.
 *
 * @param traceparent null when there is no trace (tracing off, or a row older than the column)
 * @param tracestate null or the vendors' state, sent only beside a traceparent
 */
public record TraceParent(String traceparent, String tracestate) {
  public static final String TRACEPARENT = "traceparent";
  public static final String TRACESTATE = "tracestate";
  public static final TraceParent NONE = new TraceParent(null, null);

  private static final String VERSION = "00";
  private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

  /** The current span's context; {@link #NONE} without a valid span, with no allocation. */
  public static TraceParent current() {
    return of(Context.current());
  }

  public static TraceParent of(Context context) {
    return of(Span.fromContext(context).getSpanContext());
  }

  /**
   * The headers a receiver of {@code span} gets; {@link #NONE} when it is invalid. Without vendor
   * state (the usual case) the W3C format is written out directly: no carrier map, no context.
   */
  public static TraceParent of(SpanContext span) {
    if (!span.isValid()) {
      return NONE;
    }
    if (span.getTraceState().isEmpty()) {
      return new TraceParent(
          VERSION
              + '-'
              + span.getTraceId()
              + '-'
              + span.getSpanId()
              + '-'
              + span.getTraceFlags().asHex(),
          null);
    }
    Map<String, String> carrier = new HashMap<>(4);
    W3C.inject(Context.root().with(Span.wrap(span)), carrier, Map::put);
    return new TraceParent(carrier.get(TRACEPARENT), carrier.get(TRACESTATE));
  }

  /** Read from AMQP headers (values may be the client's {@code LongString}); NONE if absent. */
  public static TraceParent fromHeaders(Map<String, Object> headers) {
    if (headers == null) {
      return NONE;
    }
    Object parent = headers.get(TRACEPARENT);
    if (parent == null) {
      return NONE;
    }
    Object state = headers.get(TRACESTATE);
    return new TraceParent(parent.toString(), state == null ? null : state.toString());
  }

  public boolean present() {
    return traceparent != null;
  }

  /** The context to parent spans on: the root context when absent or malformed. */
  public Context context() {
    if (traceparent == null) {
      return Context.root();
    }
    return W3C.extract(Context.root(), this, Getter.INSTANCE);
  }

  /** The 32 hex digits of the trace id, or null. */
  public String traceId() {
    SpanContext span = Span.fromContext(context()).getSpanContext();
    return span.isValid() ? span.getTraceId() : null;
  }

  /** Puts the headers into {@code headers}; nothing when absent. */
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
      if (carrier == null) {
        return null;
      }
      return TRACEPARENT.equals(key)
          ? carrier.traceparent
          : TRACESTATE.equals(key) ? carrier.tracestate : null;
    }
  }
}
