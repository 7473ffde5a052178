package orderflow.observe;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import java.util.List;
import orderflow.trace.TraceParent;
import orderflow.trace.Tracing;

/**
 * An {@link HttpRoute} inside an HTTP SERVER span ({@code <method> <route>}), current while the
 * route runs, so what it writes to the outbox continues the request's trace. A {@code traceparent}
 * request header makes the span its caller's child. Thread-safe as its route is.
 */
public final class TracedRoute implements HttpRoute {
  static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
  static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
  static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
  static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");

  private final HttpRoute route;
  private final Tracing tracing;

  private TracedRoute(HttpRoute route, Tracing tracing) {
    this.route = route;
    this.tracing = tracing;
  }

  /** {@code routes} as they are when tracing is off, else each in a span. */
  public static List<HttpRoute> all(List<HttpRoute> routes, Tracing tracing) {
    if (!tracing.on()) {
      return routes;
    }
    return routes.stream().map(route -> (HttpRoute) new TracedRoute(route, tracing)).toList();
  }

  @Override
  public boolean matches(String path) {
    return route.matches(path);
  }

  @Override
  public String template(String path) {
    return route.template(path);
  }

  @Override
  public HttpReply handle(RouteRequest request) {
    String template = route.template(request.path());
    TraceParent caller =
        new TraceParent(
            first(request, TraceParent.TRACEPARENT), first(request, TraceParent.TRACESTATE));
    Span span =
        tracing
            .tracer()
            .spanBuilder(request.method() + (template == null ? "" : " " + template))
            .setSpanKind(SpanKind.SERVER)
            .setParent(caller.context())
            .setAttribute(METHOD, request.method())
            .setAttribute(PATH, request.path())
            .setAttribute(ROUTE, template)
            .startSpan();
    try (Scope scope = span.makeCurrent()) {
      HttpReply reply = route.handle(request);
      span.setAttribute(STATUS, (long) reply.status());
      if (reply.status() >= 500) {
        span.setStatus(StatusCode.ERROR);
      }
      return reply;
    } catch (RuntimeException e) {
      span.recordException(e);
      span.setStatus(StatusCode.ERROR);
      throw e;
    } finally {
      span.end();
    }
  }

  private static String first(RouteRequest request, String header) {
    List<String> values = request.headers().getOrDefault(header, List.of());
    return values.isEmpty() ? null : values.get(0);
  }
}
