package orderflow.orderservice.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import orderflow.observe.ApiRoutes;
import orderflow.observe.Problem;
import orderflow.observe.ProblemType;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates each request's bearer token (401 when refused) and gives the {@link Caller} to the
 * routes as {@link #CALLER}. Every request leaves one JSON line on {@code orderflow.access}, never
 * the token, a body or a raw path, and is counted in {@code orderflow.api.requests} and, refused,
 * {@code orderflow.api.refusals}. Thread-safe.
 */
public final class ApiAccess extends Handler.Wrapper {
  public static final String CALLER = Caller.class.getName();
  static final String AUTHZ_FAIL = "authz_fail";
  private static final Logger ACCESS = LoggerFactory.getLogger("orderflow.access");
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String REALM = "Bearer realm=\"orders\"";
  private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE");

  private final TokenVerifier verifier;
  private final MeterRegistry registry;

  public ApiAccess(Handler next, TokenVerifier verifier, MeterRegistry registry) {
    super(next);
    this.verifier = verifier;
    this.registry = registry;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    long start = System.nanoTime();
    Map<String, Object> line = new LinkedHashMap<>();
    Request.addCompletionListener(
        request, failure -> completed(request, response.getStatus(), start, line));
    Caller caller;
    try {
      caller = verifier.verify(bearer(request));
    } catch (TokenVerifier.Refused refused) {
      line.put("event", refused.event());
      String why = refused.getMessage();
      return why == null
          ? refuse(response, callback, ProblemType.UNAUTHORIZED, "", "send a bearer token")
          : refuse(
              response,
              callback,
              ProblemType.UNAUTHORIZED,
              ", error=\"invalid_token\", error_description=\"" + why + "\"",
              "the bearer token is not valid: " + why);
    }
    line.put("sub", caller.customerId());
    line.put("client_id", caller.clientId());
    request.setAttribute(CALLER, caller);
    return super.handle(request, response, callback);
  }

  /** Answers 403 for a caller whose token lacks {@code scope}. */
  public static void forbid(Response response, Callback callback, String scope) {
    refuse(
        response,
        callback,
        ProblemType.FORBIDDEN,
        ", error=\"insufficient_scope\", scope=\"" + scope + "\"",
        "the token lacks the scope " + scope);
  }

  private static boolean refuse(
      Response response, Callback callback, ProblemType type, String error, String detail) {
    response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, REALM + error);
    Problem.of(type, detail).write(response, callback);
    return true;
  }

  private static String bearer(Request request) {
    String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return header.substring(7).trim();
  }

  private void completed(Request request, int status, long start, Map<String, Object> line) {
    String method = METHODS.contains(request.getMethod()) ? request.getMethod() : "OTHER";
    Object route = request.getAttribute(ApiRoutes.ROUTE);
    String template = route == null ? "unmatched" : route.toString();
    if (status == 403) {
      line.putIfAbsent("event", AUTHZ_FAIL);
    }
    Counter.builder("orderflow.api.requests")
        .description("API requests by route template, method and status")
        .tags("route", template, "method", method, "status", Integer.toString(status))
        .register(registry)
        .increment();
    if (line.get("event") instanceof String event) {
      Counter.builder("orderflow.api.refusals")
          .description("API requests refused by authentication or authorization, by reason")
          .tag("reason", event)
          .register(registry)
          .increment();
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("time", Instant.now().toString());
    json.putAll(line);
    json.put("method", method);
    json.put("route", template);
    json.put("status", status);
    json.put("latency_ms", (System.nanoTime() - start) / 1_000_000);
    json.put("trace_id", request.getAttribute(ApiRoutes.TRACE_ID));
    json.values().removeIf(value -> value == null);
    try {
      ACCESS.info(MAPPER.writeValueAsString(json));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write an access line", e);
    }
  }
}
