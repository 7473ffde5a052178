package orderflow.observe;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.http.pathmap.UriTemplatePathSpec;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.PathMappingsHandler;

/**
 * A service's own endpoints by URI template ({@code /orders/{id}}), served by {@link HealthServer}
 * behind the API's limits; the matched template names the server span and {@link #ROUTE}. At most
 * {@code HTTP_API_THREADS} routes hold a thread at once, except those {@link #addWithoutBlocking},
 * which complete the callback later and bound their own backlog. Routes are added before the server
 * starts; thread-safe afterwards.
 */
public class ApiRoutes extends PathMappingsHandler.NoContext {
  /** The request attribute holding the trace id of the request's server span, when tracing. */
  public static final String TRACE_ID = "orderflow.traceId";

  /** The request attribute holding the template the request matched, once routed. */
  public static final String ROUTE = "orderflow.route";

  private final Set<String> withoutBlocking = ConcurrentHashMap.newKeySet();
  private Listen listen = Listen.DEFAULT;

  /**
   * Where the API is served: a non-null {@code managementPort} serves the probes and metrics apart;
   * the PEM {@code tlsCert} and {@code tlsKey}, when given, make the API port HTTPS.
   */
  public record Listen(Integer managementPort, Path tlsCert, Path tlsKey) {
    static final Listen DEFAULT = new Listen(null, null, null);
  }

  public void add(String template, Handler route) {
    addMapping(new UriTemplatePathSpec(template), route);
  }

  /** Declares that {@code method} on the exact path {@code path} never blocks a thread. */
  public void addWithoutBlocking(String method, String path) {
    withoutBlocking.add(method + " " + path);
  }

  public ApiRoutes listen(Listen listen) {
    this.listen = listen;
    return this;
  }

  public Listen listen() {
    return listen;
  }

  /** The handler every API request passes before {@code limits}; this one adds nothing. */
  public Handler front(Handler limits, MeterRegistry registry) {
    return limits;
  }

  /** Components this API adds to readiness; a value starting with "ok" counts as ready. */
  public Map<String, String> readiness() {
    return Map.of();
  }

  boolean blocks(Request request) {
    return !withoutBlocking.contains(request.getMethod() + " " + Request.getPathInContext(request));
  }

  @Override
  protected Request newPathSpecRequest(Request request, PathSpec pathSpec) {
    request.setAttribute(ROUTE, pathSpec.getDeclaration());
    Span.current()
        .updateName(request.getMethod() + " " + pathSpec.getDeclaration())
        .setAttribute(ServerSpans.ROUTE, pathSpec.getDeclaration());
    return super.newPathSpecRequest(request, pathSpec);
  }
}
