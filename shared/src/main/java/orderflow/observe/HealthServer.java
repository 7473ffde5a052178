package orderflow.observe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import orderflow.config.LogSafe;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /health/live}, {@code /health/ready} and {@code /metrics} on one address and port
 * (docs/architecture.md section 9.1), by default on the loopback interface only, with Jetty.
 *
 * <ul>
 *   <li>{@code GET /health/live}: 200 {@code {"status":"UP"}} while the process answers.
 *   <li>{@code GET /health/ready}: 200 {@code {"status":"UP","components":{...}}} when every
 *       component of the {@link ReadinessCheck} is {@code "ok"}, else 503 {@code
 *       {"status":"DOWN","components":{...}}}.
 *   <li>{@code GET /metrics}: the Prometheus text format.
 * </ul>
 *
 * A service may add its own endpoints as {@link HttpRoute}s, asked in order for any other path;
 * they run on a bounded pool of their own ({@link RouteDispatch}), so probes and scrapes, answered
 * on Jetty's threads, are never queued behind them. Other paths answer 404, other methods 405, and
 * every error is an RFC 9457 {@link Problem}. HTTP/1.1 keep-alive, pipelining and chunked bodies
 * are Jetty's; the limits are {@link HttpLimits}. This class is thread-safe.
 */
public final class HealthServer implements AutoCloseable {
  public static final String LIVE_PATH = "/health/live";
  public static final String READY_PATH = "/health/ready";
  public static final String METRICS_PATH = "/metrics";
  public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** Loopback: a process on a host shows its health to that host only unless told otherwise. */
  public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";

  static final String OK = "ok";

  /** Jetty's own threads: selector, acceptor, probes, scrapes and the hand-off to the API pool. */
  static final int SERVER_THREADS = 8;

  private static final int MAX_REQUEST_HEAD_BYTES = 8 * 1024;
  private static final String JSON = "application/json";
  private static final Logger LOG = LoggerFactory.getLogger(HealthServer.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final ReadinessCheck readiness;
  private final ConsumerMetrics metrics;
  private final RouteDispatch dispatch;
  private final Server server;
  private final ServerConnector connector;
  private final ThreadPoolExecutor apiPool;

  private HealthServer(
      ReadinessCheck readiness,
      ConsumerMetrics metrics,
      List<HttpRoute> routes,
      HttpLimits limits,
      InetAddress bind,
      int port) {
    this.readiness = readiness;
    this.metrics = metrics;
    HttpRefusals refusals = new HttpRefusals(metrics.registry(), System::nanoTime);
    this.apiPool =
        new ThreadPoolExecutor(
            limits.apiThreads(),
            limits.apiThreads(),
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(Math.max(1, limits.apiQueue())),
            daemonThreads("http-api-"));
    apiPool.allowCoreThreadTimeOut(true);
    this.dispatch = new RouteDispatch(routes, limits, apiPool, refusals);

    // At most SERVER_THREADS; its job queue is Jetty's own (Jetty warns against a bounded one):
    // the jobs are short, since nothing on these threads waits for a route or a body.
    QueuedThreadPool threads = new QueuedThreadPool(SERVER_THREADS, 2);
    threads.setName("http");
    threads.setDaemon(true);
    this.server = new Server(threads);
    HttpConfiguration config = new HttpConfiguration();
    config.setSendServerVersion(false);
    config.setSendXPoweredBy(false);
    config.setRequestHeaderSize(MAX_REQUEST_HEAD_BYTES);
    config.setIdleTimeout(limits.idleTimeout().toMillis());
    // One acceptor and one selector: NIO, so a slow or silent client costs a socket, not a thread.
    this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(config));
    connector.setHost(bind.getHostAddress());
    connector.setPort(port);
    connector.setIdleTimeout(limits.idleTimeout().toMillis());
    connector.setAcceptQueueSize(limits.acceptQueue());
    connector.setReuseAddress(true);
    connector.addBean(new HeadDeadline(limits.headDeadline(), server.getScheduler(), refusals));
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));
    server.setErrorHandler(new ProblemErrorHandler(refusals));
    server.setHandler(
        // Blocking: a readiness check may ping the database (for at most a second).
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            return HealthServer.this.handle(request, response, callback);
          }
        });
  }

  /**
   * Binds {@code bindAddress} on {@code port} and starts serving, with {@code routes} (asked in
   * order) for every path other than the health and metrics paths, and the limits of the
   * environment ({@link HttpLimits#fromEnv}).
   *
   * @param bindAddress an IP address or host name; {@code 0.0.0.0} for every interface
   * @param port 0 picks a free port (see {@link #port()})
   * @throws IllegalArgumentException when the address does not resolve or the port is out of range
   * @throws UncheckedIOException when the address and port cannot be bound, naming them
   */
  public static HealthServer start(
      String bindAddress,
      int port,
      ReadinessCheck readiness,
      ConsumerMetrics metrics,
      List<HttpRoute> routes) {
    return start(bindAddress, port, readiness, metrics, routes, HttpLimits.fromEnv(System::getenv));
  }

  /**
   * Like {@link #start(String, int, ReadinessCheck, ConsumerMetrics, List)} with {@code limits}.
   */
  public static HealthServer start(
      String bindAddress,
      int port,
      ReadinessCheck readiness,
      ConsumerMetrics metrics,
      List<HttpRoute> routes,
      HttpLimits limits) {
    Objects.requireNonNull(bindAddress, "bindAddress");
    List<HttpRoute> extraRoutes = List.copyOf(routes);
    Objects.requireNonNull(readiness, "readiness");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(limits, "limits");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, was " + port);
    }
    InetAddress bind;
    try {
      bind = InetAddress.getByName(bindAddress);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("unknown HTTP bind address '" + bindAddress + "'", e);
    }
    HealthServer health = new HealthServer(readiness, metrics, extraRoutes, limits, bind, port);
    try {
      health.server.start();
    } catch (Exception e) {
      health.close();
      throw new UncheckedIOException(
          "cannot listen on HTTP " + bind.getHostAddress() + ":" + port + ": " + e,
          e instanceof IOException io ? io : new IOException(e));
    }
    LOG.info("health and metrics on http://{}:{}", bind.getHostAddress(), health.port());
    return health;
  }

  public int port() {
    return connector.getLocalPort();
  }

  /** The address listened on, e.g. {@code 127.0.0.1}. */
  public InetAddress bindAddress() {
    try {
      return InetAddress.getByName(connector.getHost());
    } catch (UnknownHostException e) {
      throw new IllegalStateException("the bound address no longer resolves", e);
    }
  }

  private boolean handle(Request request, Response response, Callback callback) {
    String path = request.getHttpURI().getPath();
    boolean known = path.equals(LIVE_PATH) || path.equals(READY_PATH) || path.equals(METRICS_PATH);
    if (!known) {
      Optional<HttpRoute> route = dispatch.find(path);
      if (route.isPresent()) {
        dispatch.serve(route.get(), request, response, callback);
        return true;
      }
    }
    HttpReply reply;
    try {
      if (!known) {
        reply = Problem.of(ProblemType.NOT_FOUND, "no resource at " + LogSafe.escape(path)).reply();
      } else if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
        reply =
            Problem.of(ProblemType.METHOD_NOT_ALLOWED, "only GET is allowed here")
                .reply()
                .withHeader(HttpHeader.ALLOW.asString(), "GET");
      } else if (path.equals(LIVE_PATH)) {
        reply = HttpReply.of(200, JSON, json(Map.of("status", "UP")));
      } else if (path.equals(READY_PATH)) {
        reply = ready();
      } else {
        reply = HttpReply.of(200, PROMETHEUS_CONTENT_TYPE, metrics.scrape());
      }
    } catch (RuntimeException e) {
      LOG.warn("health endpoint failed", e);
      reply = Problem.of(ProblemType.INTERNAL_ERROR, "see the service log").reply();
    }
    writeWithoutWaiting(response, callback, reply);
    return true;
  }

  /**
   * Sends a probe's or scrape's reply without waiting for the client to read it, so a scraper that
   * stops reading cannot keep one of Jetty's few threads.
   */
  private static void writeWithoutWaiting(Response response, Callback callback, HttpReply reply) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try {
      reply.body().writeTo(body);
    } catch (IOException e) {
      callback.failed(e);
      return;
    }
    response.setStatus(reply.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    reply.headers().forEach((name, value) -> response.getHeaders().put(name, value));
    response.write(true, ByteBuffer.wrap(body.toByteArray()), callback);
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

  private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Stops listening at once (an exchange in progress is cut off) and ends the threads. */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.debug("HTTP server: stopping failed: {}", e.toString());
    }
    apiPool.shutdownNow();
  }

  /** The address and port, for log lines. */
  @Override
  public String toString() {
    return new InetSocketAddress(connector.getHost(), port()).toString();
  }
}
