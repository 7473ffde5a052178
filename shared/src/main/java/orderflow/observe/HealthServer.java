package orderflow.observe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /health/live}, {@code /health/ready} and {@code /metrics} on one address and port
 * (docs/architecture.md section 9.1), by default on the loopback interface only.
 *
 * <ul>
 *   <li>{@code GET /health/live}: 200 {@code {"status":"UP"}} while the process answers.
 *   <li>{@code GET /health/ready}: 200 {@code {"status":"UP","components":{...}}} when every
 *       component of the {@link ReadinessCheck} is {@code "ok"}, else 503 {@code
 *       {"status":"DOWN","components":{...}}}.
 *   <li>{@code GET /metrics}: the Prometheus text format.
 * </ul>
 *
 * A service may add its own endpoints as {@link HttpRoute}s, asked in order for any other path.
 * Other paths answer 404, other methods 405. A client gets 2 seconds to send its request head and
 * 10 to complete the exchange, on a bounded pool of worker threads (see {@link HttpListener}), so a
 * slow or silent client cannot hold up a probe. This class is thread-safe.
 */
public final class HealthServer implements AutoCloseable {
  public static final String LIVE_PATH = "/health/live";
  public static final String READY_PATH = "/health/ready";
  public static final String METRICS_PATH = "/metrics";
  public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** Loopback: a process on a host shows its health to that host only unless told otherwise. */
  public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";

  static final String OK = "ok";
  private static final String JSON = "application/json";
  private static final Logger LOG = LoggerFactory.getLogger(HealthServer.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final HttpListener listener;
  private final ReadinessCheck readiness;
  private final ConsumerMetrics metrics;
  private final List<HttpRoute> routes;

  private HealthServer(
      ReadinessCheck readiness,
      ConsumerMetrics metrics,
      List<HttpRoute> routes,
      InetAddress bind,
      int port)
      throws IOException {
    this.readiness = readiness;
    this.metrics = metrics;
    this.routes = routes;
    this.listener =
        HttpListener.start(
            bind,
            port,
            HttpListener.DEFAULT_HEAD_DEADLINE,
            HttpListener.DEFAULT_EXCHANGE_DEADLINE,
            this::handle);
  }

  /** Listens on {@link #DEFAULT_BIND_ADDRESS} (loopback). */
  public static HealthServer start(int port, ReadinessCheck readiness, ConsumerMetrics metrics) {
    return start(DEFAULT_BIND_ADDRESS, port, readiness, metrics);
  }

  /**
   * Binds {@code bindAddress} on {@code port} and starts serving.
   *
   * @param bindAddress an IP address or host name; {@code 0.0.0.0} for every interface
   * @param port 0 picks a free port (see {@link #port()})
   * @throws IllegalArgumentException when the address does not resolve or the port is out of range
   * @throws UncheckedIOException when the address and port cannot be bound, naming them
   */
  public static HealthServer start(
      String bindAddress, int port, ReadinessCheck readiness, ConsumerMetrics metrics) {
    return start(bindAddress, port, readiness, metrics, List.of());
  }

  /**
   * Like {@link #start(String, int, ReadinessCheck, ConsumerMetrics)}, also serving {@code routes}
   * (asked in order) for every path other than the health and metrics paths.
   */
  public static HealthServer start(
      String bindAddress,
      int port,
      ReadinessCheck readiness,
      ConsumerMetrics metrics,
      List<HttpRoute> routes) {
    Objects.requireNonNull(bindAddress, "bindAddress");
    List<HttpRoute> extraRoutes = List.copyOf(routes);
    Objects.requireNonNull(readiness, "readiness");
    Objects.requireNonNull(metrics, "metrics");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, was " + port);
    }
    InetAddress bind;
    try {
      bind = InetAddress.getByName(bindAddress);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("unknown HTTP bind address '" + bindAddress + "'", e);
    }
    try {
      HealthServer health = new HealthServer(readiness, metrics, extraRoutes, bind, port);
      LOG.info("health and metrics on http://{}:{}", bind.getHostAddress(), health.port());
      return health;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen on HTTP " + bind.getHostAddress() + ":" + port + ": " + e, e);
    }
  }

  public int port() {
    return listener.address().getPort();
  }

  /** The address listened on, e.g. {@code 127.0.0.1}. */
  public InetAddress bindAddress() {
    return listener.address().getAddress();
  }

  private HttpReply handle(RouteRequest request) {
    String path = request.path();
    boolean known = path.equals(LIVE_PATH) || path.equals(READY_PATH) || path.equals(METRICS_PATH);
    if (!known) {
      for (HttpRoute route : routes) {
        if (route.matches(path)) {
          return routed(route, request);
        }
      }
    }
    try {
      if (!known) {
        return HttpReply.of(404, JSON, json(Map.of("error", "not found: " + path)));
      } else if (!request.method().equals("GET")) {
        return HttpReply.of(405, JSON, json(Map.of("error", "method not allowed")))
            .withHeader("Allow", "GET");
      } else if (path.equals(LIVE_PATH)) {
        return HttpReply.of(200, JSON, json(Map.of("status", "UP")));
      } else if (path.equals(READY_PATH)) {
        return ready();
      } else {
        return HttpReply.of(200, PROMETHEUS_CONTENT_TYPE, metrics.scrape());
      }
    } catch (RuntimeException e) {
      LOG.warn("health endpoint failed", e);
      throw e;
    }
  }

  private static HttpReply routed(HttpRoute route, RouteRequest request) {
    try {
      return route.handle(request);
    } catch (RuntimeException e) {
      LOG.warn("{} {} failed", request.method(), request.path(), e);
      return HttpReply.of(500, JSON, json(Map.of("error", "internal error, see the service log")));
    }
  }

  private HttpReply ready() {
    Map<String, String> components;
    try {
      components = new TreeMap<>(readiness.components());
    } catch (RuntimeException e) {
      components = Map.of("readiness", "check failed: " + e);
    }
    boolean up = components.values().stream().allMatch(OK::equals);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", up ? "UP" : "DOWN");
    body.put("components", components);
    return HttpReply.of(up ? 200 : 503, JSON, json(body));
  }

  private static String json(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** Stops listening at once (a scrape in progress is cut off) and ends the threads. */
  @Override
  public void close() {
    listener.close();
  }
}
