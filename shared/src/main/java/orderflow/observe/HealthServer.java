package orderflow.observe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import orderflow.trace.Tracing;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ConditionalHandler;
import org.eclipse.jetty.server.handler.MinimumDataRateHandler;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's HTTP server (docs/architecture.md section 9.1), on Jetty's own handlers, by default
 * on the loopback interface only:
 *
 * <ul>
 *   <li>{@code GET /health/live}: 200 {@code {"status":"UP"}} while the process answers.
 *   <li>{@code GET /health/ready}: 200 {@code {"status":"UP","components":{...}}} when every
 *       component of the {@link ReadinessCheck} is {@code "ok"}, else 503 {@code
 *       {"status":"DOWN","components":{...}}}.
 *   <li>{@code GET /metrics}: the Prometheus text format.
 *   <li>every other path: the service's {@link ApiRoutes}, if it has any, else 404.
 * </ul>
 *
 * The API is served behind Jetty's limits: a minimum body rate (408), {@code SizeLimitHandler}
 * (413), codings we do not decode refused (415), and {@code QoSHandler}: at most {@code
 * HTTP_API_THREADS} routes hold a thread at once, {@code HTTP_API_QUEUE} more wait without one, and
 * the next is refused 503 with {@code Retry-After}. Probes and scrapes are mapped outside that
 * limit, so they never wait behind the API; the thread pool has room for both. Every error is an
 * RFC 9457 {@link Problem} ({@link ProblemErrorHandler}). This class is thread-safe.
 */
public final class HealthServer implements AutoCloseable {
  public static final String LIVE_PATH = "/health/live";
  public static final String READY_PATH = "/health/ready";
  public static final String METRICS_PATH = "/metrics";
  public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** Loopback: a process on a host shows its health to that host only unless told otherwise. */
  public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";

  /** Jetty's threads beyond the API's: acceptor, selector, probes and scrapes. */
  static final int SERVER_THREADS = 8;

  static final String OK = "ok";
  private static final int MAX_REQUEST_HEAD_BYTES = 8 * 1024;
  private static final String JSON = "application/json";
  private static final Logger LOG = LoggerFactory.getLogger(HealthServer.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Server server;
  private final ServerConnector connector;

  /**
   * Binds {@code bindAddress} on {@code port} and starts serving, with the limits of the
   * environment ({@code HTTP_*}, see {@link #start(String, int, ReadinessCheck, ConsumerMetrics,
   * ApiRoutes, Tracing, Function)}).
   */
  public static HealthServer start(
      String bindAddress,
      int port,
      ReadinessCheck readiness,
      ConsumerMetrics metrics,
      ApiRoutes api,
      Tracing tracing) {
    return start(bindAddress, port, readiness, metrics, api, tracing, System::getenv);
  }

  /**
   * Binds and starts, with the limits {@code env} gives (milliseconds, bytes, counts; the default
   * when unset): {@code HTTP_HEAD_DEADLINE_MS} (2000: a new connection must complete its first
   * request head in time, else 408), {@code HTTP_IDLE_TIMEOUT_MS} (30000), {@code
   * HTTP_MIN_BODY_BYTES_PER_SECOND} (1024, else 408), {@code HTTP_MAX_BODY_BYTES} (65536, else
   * 413), {@code HTTP_MAX_CONNECTIONS} (1024; more wait in the accept queue), {@code
   * HTTP_ACCEPT_QUEUE} (256), {@code HTTP_API_THREADS} (16), {@code HTTP_API_QUEUE} (512), {@code
   * HTTP_RETRY_AFTER_SECONDS} (1).
   *
   * @param bindAddress an IP address or host name; {@code 0.0.0.0} for every interface
   * @param port 0 picks a free port (see {@link #port()})
   * @param api the service's routes, or null for none
   * @throws IllegalArgumentException when the address does not resolve, the port is out of range or
   *     a limit is not a whole number
   * @throws UncheckedIOException when the address and port cannot be bound, naming them
   */
  public static HealthServer start(
      String bindAddress,
      int port,
      ReadinessCheck readiness,
      ConsumerMetrics metrics,
      ApiRoutes api,
      Tracing tracing,
      Function<String, String> env) {
    Objects.requireNonNull(readiness, "readiness");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(tracing, "tracing");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, was " + port);
    }
    InetAddress bind;
    try {
      bind = InetAddress.getByName(Objects.requireNonNull(bindAddress, "bindAddress"));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("unknown HTTP bind address '" + bindAddress + "'", e);
    }
    HealthServer health = new HealthServer(readiness, metrics, api, tracing, env, bind, port);
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

  private HealthServer(
      ReadinessCheck readiness,
      ConsumerMetrics metrics,
      ApiRoutes api,
      Tracing tracing,
      Function<String, String> env,
      InetAddress bind,
      int port) {
    int apiThreads = setting(env, "HTTP_API_THREADS", 16, 1);
    Duration idleTimeout = Duration.ofMillis(setting(env, "HTTP_IDLE_TIMEOUT_MS", 30_000, 1));
    Duration retryAfter = Duration.ofSeconds(setting(env, "HTTP_RETRY_AFTER_SECONDS", 1, 1));
    QueuedThreadPool threads = new QueuedThreadPool(apiThreads + SERVER_THREADS, 2);
    threads.setName("http");
    threads.setDaemon(true);
    this.server = new Server(threads);
    HttpConfiguration config = new HttpConfiguration();
    config.setSendServerVersion(false);
    config.setSendXPoweredBy(false);
    config.setRequestHeaderSize(MAX_REQUEST_HEAD_BYTES);
    config.setIdleTimeout(idleTimeout.toMillis());
    // One acceptor and one selector: NIO, so a slow or silent client costs a socket, not a thread.
    this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(config));
    connector.setHost(bind.getHostAddress());
    connector.setPort(port);
    connector.setIdleTimeout(idleTimeout.toMillis());
    connector.setAcceptQueueSize(setting(env, "HTTP_ACCEPT_QUEUE", 256, 1));
    connector.setReuseAddress(true);
    ProblemErrorHandler errors = new ProblemErrorHandler(metrics.registry(), retryAfter);
    connector.addBean(headDeadline(setting(env, "HTTP_HEAD_DEADLINE_MS", 2_000, 1), errors));
    server.addConnector(connector);
    server.addBean(
        new NetworkConnectionLimit(setting(env, "HTTP_MAX_CONNECTIONS", 1024, 1), connector));
    server.setErrorHandler(errors);

    // The management endpoints: a second connector (a management port) would be given this
    // mapping alone, and the API's connector the "/" mapping alone.
    PathMappingsHandler paths = new PathMappingsHandler.NoContext();
    paths.addMapping(PathSpec.from(LIVE_PATH), get(() -> answer(200, Map.of("status", "UP"))));
    paths.addMapping(PathSpec.from(READY_PATH), get(() -> ready(readiness)));
    paths.addMapping(
        PathSpec.from(METRICS_PATH),
        get(() -> new Answer(200, PROMETHEUS_CONTENT_TYPE, metrics.scrape())));
    if (api != null) {
      Handler routes = tracing.on() ? new ServerSpans(api, tracing) : api;
      QoSHandler qos = new QoSHandler(routes);
      qos.setMaxRequestCount(apiThreads);
      qos.setMaxSuspendedRequestCount(setting(env, "HTTP_API_QUEUE", 512, 0));
      qos.setMaxSuspend(idleTimeout);
      qos.exclude(request -> !api.blocks(request));
      // Issue 33: a handler that authenticates the request wraps `qos` here, so a request without
      // valid credentials is refused before it takes an API slot.
      SizeLimitHandler sized =
          new SizeLimitHandler(setting(env, "HTTP_MAX_BODY_BYTES", 65_536, 1), -1);
      sized.setHandler(qos);
      ConditionalHandler.ElseNext codings =
          new ConditionalHandler.ElseNext(sized) {
            @Override
            protected boolean onConditionsMet(Request request, Response response, Callback cb) {
              Response.writeError(
                  request,
                  response,
                  cb,
                  415,
                  "Content-Encoding and Transfer-Encoding other"
                      + " than chunked are not decoded here: send the body as it is");
              return true;
            }
          };
      codings.include(HealthServer::encodedBody);
      long minRate = setting(env, "HTTP_MIN_BODY_BYTES_PER_SECOND", 1024, 0);
      paths.addMapping(PathSpec.from("/"), new MinimumDataRateHandler(codings, minRate, 0));
    }
    server.setHandler(paths);
  }

  /** A body sent with a content or transfer coding other than chunked. */
  private static boolean encodedBody(Request request) {
    String content = request.getHeaders().get(HttpHeader.CONTENT_ENCODING);
    boolean coded = content != null && !content.trim().equalsIgnoreCase("identity");
    return coded
        || request.getHeaders().getValuesList(HttpHeader.TRANSFER_ENCODING).stream()
            .flatMap(value -> java.util.Arrays.stream(value.split(",")))
            .anyMatch(coding -> !coding.trim().equalsIgnoreCase("chunked"));
  }

  /**
   * Closes a new connection that has not sent a whole request head within {@code millis}, after a
   * 408: the idle timeout restarts with every byte, so alone it would keep a client that sends one
   * byte a second. Later requests on a kept-alive connection are bounded by the idle timeout.
   */
  private Connection.Listener headDeadline(long millis, ProblemErrorHandler errors) {
    String detail = "no complete request head within " + millis + " ms";
    byte[] body = Problem.of(ProblemType.REQUEST_TIMEOUT, detail).toBytes();
    byte[] head =
        ("HTTP/1.1 408 Request Timeout\r\nContent-Type: "
                + Problem.CONTENT_TYPE
                + "\r\nConnection: close\r\nContent-Length: "
                + body.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    return new Connection.Listener() {
      @Override
      public void onOpened(Connection connection) {
        server
            .getScheduler()
            .schedule(
                () -> {
                  if (connection.getEndPoint().isOpen() && connection.getMessagesIn() == 0) {
                    errors.refused("timeout", detail);
                    connection
                        .getEndPoint()
                        .write(
                            Callback.from(connection.getEndPoint()::close),
                            ByteBuffer.wrap(head),
                            ByteBuffer.wrap(body));
                  }
                },
                millis,
                TimeUnit.MILLISECONDS);
      }
    };
  }

  private record Answer(int status, String contentType, String body) {}

  /** A GET (or HEAD) endpoint that writes its answer without waiting for the client to read. */
  private static Handler get(Supplier<Answer> endpoint) {
    return new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
          response.getHeaders().put(HttpHeader.ALLOW, "GET");
          Problem.of(ProblemType.METHOD_NOT_ALLOWED, "only GET is allowed here")
              .write(response, callback);
          return true;
        }
        Answer answer = endpoint.get();
        response.setStatus(answer.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, answer.contentType());
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, StandardCharsets.UTF_8.encode(answer.body()), callback);
        return true;
      }
    };
  }

  private static Answer ready(ReadinessCheck readiness) {
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
    return answer(up ? 200 : 503, body);
  }

  private static Answer answer(int status, Object json) {
    try {
      return new Answer(status, JSON, MAPPER.writeValueAsString(json));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  private static int setting(Function<String, String> env, String name, int fallback, int min) {
    String value = env.apply(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed >= min) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // Named below.
    }
    throw new IllegalArgumentException(
        name
            + ": must be a whole number from "
            + min
            + " to "
            + Integer.MAX_VALUE
            + ", was "
            + value);
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

  /** Stops listening at once (an exchange in progress is cut off) and ends the threads. */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.debug("HTTP server: stopping failed: {}", e.toString());
    }
  }

  /** The address and port, for log lines. */
  @Override
  public String toString() {
    return new InetSocketAddress(connector.getHost(), port()).toString();
  }
}
