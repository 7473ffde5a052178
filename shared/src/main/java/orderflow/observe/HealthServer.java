package orderflow.observe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
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
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ConditionalHandler;
import org.eclipse.jetty.server.handler.MinimumDataRateHandler;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's HTTP server on Jetty (docs/architecture.md section 9.1): {@code /health/live}, {@code
 * /health/ready} (503 unless every component is "ok"), {@code /metrics}, and the service's {@link
 * ApiRoutes} behind Jetty's limits on body rate, body size, codings and concurrency. Probes and
 * scrapes never wait behind the API nor pass its {@link ApiRoutes#front}. Every error is an RFC
 * 9457 {@link Problem}. Thread-safe.
 */
public final class HealthServer implements AutoCloseable {
  public static final String LIVE_PATH = "/health/live";
  public static final String READY_PATH = "/health/ready";
  public static final String METRICS_PATH = "/metrics";
  public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** Jetty's threads beyond the API's: acceptor, selector, probes and scrapes. */
  static final int SERVER_THREADS = 8;

  private static final int MAX_REQUEST_HEAD_BYTES = 8 * 1024;
  private static final String JSON = "application/json";
  private static final Logger LOG = LoggerFactory.getLogger(HealthServer.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final char[] KEY_PASSWORD = "in-memory".toCharArray();

  private final Server server;
  private final ServerConnector connector;

  /**
   * Binds and starts with the {@code HTTP_*} limits {@code env} gives (docs/operations.md).
   *
   * @param port 0 picks a free port
   * @param api the service's routes, or null for none
   * @throws IllegalArgumentException for an unknown address, a port out of range or a bad limit
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
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, was " + port);
    }
    InetAddress bind;
    try {
      bind = InetAddress.getByName(bindAddress);
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
    ApiRoutes.Listen listen = api == null ? ApiRoutes.Listen.DEFAULT : api.listen();
    HttpConnectionFactory http = new HttpConnectionFactory(config);
    if (listen.tlsCert() == null) {
      this.connector = new ServerConnector(server, 1, 1, http);
    } else {
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      secure.setSniHostCheck(false); // clients may name the host by its address
      config.addCustomizer(secure);
      SslContextFactory.Server tls = new SslContextFactory.Server();
      tls.setKeyStore(pemKeyStore(listen.tlsCert(), listen.tlsKey()));
      tls.setKeyStorePassword(String.valueOf(KEY_PASSWORD));
      tls.setIncludeProtocols("TLSv1.3", "TLSv1.2");
      this.connector =
          new ServerConnector(
              server, 1, 1, new SslConnectionFactory(tls, http.getProtocol()), http);
    }
    ProblemErrorHandler errors = new ProblemErrorHandler(metrics.registry(), retryAfter);
    listenOn(connector, bind, port, idleTimeout, env, errors);
    server.addBean(
        new NetworkConnectionLimit(setting(env, "HTTP_MAX_CONNECTIONS", 1024, 1), connector));
    server.setErrorHandler(errors);

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
      Handler front =
          api.front(new MinimumDataRateHandler(codings, minRate, 0), metrics.registry());
      if (listen.managementPort() != null) {
        // Each port serves its own: the probes and metrics on one, the API on the other.
        ServerConnector management =
            new ServerConnector(server, 1, 1, new HttpConnectionFactory(config));
        listenOn(management, bind, listen.managementPort(), idleTimeout, env, errors);
        Predicate<Request> onManagement =
            r -> r.getConnectionMetaData().getConnector() == management;
        ConditionalHandler probes = new ConditionalHandler.DontHandle(paths);
        probes.include(onManagement.negate());
        ConditionalHandler apiOnly = new ConditionalHandler.DontHandle(front);
        apiOnly.include(onManagement);
        server.setHandler(new Handler.Sequence(probes, apiOnly));
        return;
      }
      paths.addMapping(PathSpec.from("/"), front);
    }
    server.setHandler(paths);
  }

  private void listenOn(
      ServerConnector connector,
      InetAddress bind,
      int port,
      Duration idleTimeout,
      Function<String, String> env,
      ProblemErrorHandler errors) {
    connector.setHost(bind.getHostAddress());
    connector.setPort(port);
    connector.setIdleTimeout(idleTimeout.toMillis());
    connector.setAcceptQueueSize(setting(env, "HTTP_ACCEPT_QUEUE", 256, 1));
    connector.setReuseAddress(true);
    connector.addBean(headDeadline(setting(env, "HTTP_HEAD_DEADLINE_MS", 2_000, 1), errors));
    server.addConnector(connector);
  }

  /** A PEM PKCS#8 key and its PEM X.509 chain as a key store for Jetty. */
  private static KeyStore pemKeyStore(Path certFile, Path keyFile) {
    try (InputStream in = Files.newInputStream(certFile)) {
      Certificate[] chain =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(in)
              .toArray(Certificate[]::new);
      String pem = Files.readString(keyFile).replaceAll("-----[A-Z ]+-----", "");
      PrivateKey key =
          KeyFactory.getInstance(chain[0].getPublicKey().getAlgorithm())
              .generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(pem)));
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("api", key, KEY_PASSWORD, chain);
      return store;
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(
          "--tls-cert/--tls-key: need a PEM X.509 chain and a PEM PKCS#8 key: " + e, e);
    }
  }

  private static boolean encodedBody(Request request) {
    String content = request.getHeaders().get(HttpHeader.CONTENT_ENCODING);
    boolean coded = content != null && !content.trim().equalsIgnoreCase("identity");
    return coded
        || request.getHeaders().getValuesList(HttpHeader.TRANSFER_ENCODING).stream()
            .flatMap(value -> java.util.Arrays.stream(value.split(",")))
            .anyMatch(coding -> !coding.trim().equalsIgnoreCase("chunked"));
  }

  /**
   * Answers 408 and closes a new connection without a whole request head within {@code millis}: the
   * idle timeout alone restarts with every byte.
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
    boolean up = components.values().stream().allMatch(value -> value.startsWith("ok"));
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
    try {
      int parsed = value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
      if (parsed >= min) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // Named below.
    }
    throw new IllegalArgumentException(name + ": must be a whole number of at least " + min);
  }

  public int port() {
    return connector.getLocalPort();
  }

  /** Stops at once, cutting off exchanges in progress. */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.debug("HTTP server: stopping failed: {}", e.toString());
    }
  }

  @Override
  public String toString() {
    return new InetSocketAddress(connector.getHost(), port()).toString();
  }
}
