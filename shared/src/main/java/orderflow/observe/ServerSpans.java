package orderflow.observe;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import orderflow.trace.TraceParent;
import orderflow.trace.Tracing;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Runs each API request inside an HTTP SERVER span, its caller's child when a {@code traceparent}
 * header comes with it, current while the route runs (so what the route writes to the outbox, on
 * this thread or through the group commit, continues the trace) and ended when the response
 * completes, with its status. {@link ApiRoutes} names it by the matched template. Thread-safe.
 */
final class ServerSpans extends Handler.Wrapper {
  static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
  static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
  static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
  static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");

  private final Tracer tracer;

  ServerSpans(Handler routes, Tracing tracing) {
    super(routes);
    this.tracer = tracing.tracer();
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    TraceParent caller =
        new TraceParent(
            request.getHeaders().get(TraceParent.TRACEPARENT),
            request.getHeaders().get(TraceParent.TRACESTATE));
    Span span =
        tracer
            .spanBuilder(request.getMethod())
            .setSpanKind(SpanKind.SERVER)
            .setParent(caller.context())
            .setAttribute(METHOD, request.getMethod())
            .setAttribute(PATH, request.getHttpURI().getPath())
            .startSpan();
    request.setAttribute(ApiRoutes.TRACE_ID, span.getSpanContext().getTraceId());
    Request.addCompletionListener(
        request,
        failure -> {
          span.setAttribute(STATUS, (long) response.getStatus());
          if (failure != null || response.getStatus() >= 500) {
            span.setStatus(StatusCode.ERROR);
          }
          span.end();
        });
    try (Scope scope = span.makeCurrent()) {
      return super.handle(request, response, callback);
    }
  }
}
