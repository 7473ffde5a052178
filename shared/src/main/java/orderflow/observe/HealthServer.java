package orderflow.observe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /health/live}, {@code /health/ready} and {@code /metrics} on a port with the JDK's
 * HTTP server (DESIGN section 7), on two daemon threads named {@code health-http-N}.
 *
 * <ul>
 *   <li>{@code GET /health/live}: 200 {@code {"status":"UP"}} while the process answers.
 *   <li>{@code GET /health/ready}: 200 {@code {"status":"UP","components":{...}}} when every
 *       component of the {@link ReadinessCheck} is {@code "ok"}, else 503 {@code
 *       {"status":"DOWN","components":{...}}}.
 *   <li>{@code GET /metrics}: the Prometheus text format.
 * </ul>
 *
 * Other paths answer 404, other methods 405. This class is thread-safe.
 */
public final class HealthServer implements AutoCloseable {
  public static final String LIVE_PATH = "/health/live";
  public static final String READY_PATH = "/health/ready";
  public static final String METRICS_PATH = "/metrics";
  public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  static final String OK = "ok";
  private static final String JSON = "application/json";
  private static final int THREADS = 2;
  private static final Logger LOG = LoggerFactory.getLogger(HealthServer.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService executor;
  private final ReadinessCheck readiness;
  private final ConsumerMetrics metrics;

  private HealthServer(
      HttpServer server,
      ExecutorService executor,
      ReadinessCheck readiness,
      ConsumerMetrics metrics) {
    this.server = server;
    this.executor = executor;
    this.readiness = readiness;
    this.metrics = metrics;
  }

  /**
   * Binds every interface on {@code port} and starts serving.
   *
   * @param port 0 picks a free port (see {@link #port()})
   * @throws UncheckedIOException when the port cannot be bound, naming it
   */
  public static HealthServer start(int port, ReadinessCheck readiness, ConsumerMetrics metrics) {
    Objects.requireNonNull(readiness, "readiness");
    Objects.requireNonNull(metrics, "metrics");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, was " + port);
    }
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on HTTP port " + port + ": " + e, e);
    }
    ExecutorService executor = Executors.newFixedThreadPool(THREADS, daemonThreads());
    HealthServer health = new HealthServer(server, executor, readiness, metrics);
    server.setExecutor(executor);
    server.createContext("/", health::handle);
    server.start();
    LOG.info("health and metrics on http://0.0.0.0:{}", health.port());
    return health;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      boolean known =
          path.equals(LIVE_PATH) || path.equals(READY_PATH) || path.equals(METRICS_PATH);
      if (!known) {
        send(exchange, 404, JSON, json(Map.of("error", "not found: " + path)));
      } else if (!exchange.getRequestMethod().equals("GET")) {
        exchange.getResponseHeaders().set("Allow", "GET");
        send(exchange, 405, JSON, json(Map.of("error", "method not allowed")));
      } else if (path.equals(LIVE_PATH)) {
        send(exchange, 200, JSON, json(Map.of("status", "UP")));
      } else if (path.equals(READY_PATH)) {
        ready(exchange);
      } else {
        send(exchange, 200, PROMETHEUS_CONTENT_TYPE, metrics.scrape());
      }
    } catch (RuntimeException e) {
      LOG.warn("health endpoint failed", e);
      throw e;
    }
  }

  private void ready(HttpExchange exchange) throws IOException {
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
    send(exchange, up ? 200 : 503, JSON, json(body));
  }

  private static void send(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String json(Object value) throws IOException {
    return MAPPER.writeValueAsString(value);
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "health-http-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Stops listening at once (a scrape in progress is cut off) and ends the threads. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
