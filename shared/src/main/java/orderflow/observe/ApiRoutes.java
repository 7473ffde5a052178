package orderflow.observe;

import io.opentelemetry.api.trace.Span;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.http.pathmap.UriTemplatePathSpec;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.PathMappingsHandler;

/**
 * A service's own endpoints, mapped by URI template ({@code /orders/{id}}) with Jetty's {@link
 * PathMappingsHandler} (without a context of its own: a route sees the whole path); served by
 * {@link HealthServer} behind the API's limits. The matched template names the request's server
 * span ({@code POST /orders/{id}/cancel}). A path no route matches is a 404 problem.
 *
 * <p>A route holds a Jetty thread while it runs, so at most {@code HTTP_API_THREADS} run at once
 * (Jetty's {@code QoSHandler}), unless it was added with {@link #addWithoutBlocking}: it then
 * returns at once and completes the request's callback later, from any thread, and bounds its own
 * backlog. Routes are added before the server starts; thread-safe afterwards.
 */
public class ApiRoutes extends PathMappingsHandler.NoContext {
  private final Set<String> withoutBlocking = ConcurrentHashMap.newKeySet();

  /** Maps {@code template} (a URI template, e.g. {@code /orders/{id}}) to {@code route}. */
  public void add(String template, Handler route) {
    addMapping(new UriTemplatePathSpec(template), route);
  }

  /** Declares that {@code method} on the exact path {@code path} never blocks a thread. */
  public void addWithoutBlocking(String method, String path) {
    withoutBlocking.add(method + " " + path);
  }

  /** True unless the request's method and path were declared {@link #addWithoutBlocking}. */
  boolean blocks(Request request) {
    return !withoutBlocking.contains(request.getMethod() + " " + Request.getPathInContext(request));
  }

  @Override
  protected Request newPathSpecRequest(Request request, PathSpec pathSpec) {
    Span.current()
        .updateName(request.getMethod() + " " + pathSpec.getDeclaration())
        .setAttribute(ServerSpans.ROUTE, pathSpec.getDeclaration());
    return super.newPathSpecRequest(request, pathSpec);
  }
}
