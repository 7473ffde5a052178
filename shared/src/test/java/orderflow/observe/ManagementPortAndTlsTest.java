package orderflow.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Security;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import orderflow.testing.TlsFiles;
import orderflow.trace.Tracing;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --management-port} and {@code --tls-cert/--tls-key} as {@link HealthServer} serves them.
 */
class ManagementPortAndTlsTest {
  private static final char[] PASSWORD = "test-password".toCharArray();

  static {
    // The JDK refuses TLS 1.1 by default; Jetty must refuse it of its own: when this runs first
    // in its JVM, the server would serve 1.1 unless told otherwise.
    Security.setProperty(
        "jdk.tls.disabledAlgorithms",
        "SSLv3, RC4, DES, MD5withRSA, DH keySize < 1024, EC keySize < 224, 3DES_EDE_CBC, anon,"
            + " NULL");
  }

  private final ConsumerMetrics metrics = ConsumerMetrics.create("orders");
  private HealthServer server;

  /** {@code /hello} answers "hello"; its front marks every API answer {@code X-Front: yes}. */
  private static final class Hello extends ApiRoutes {
    Hello(Listen listen) {
      add(
          "/hello",
          new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
              response.write(true, StandardCharsets.UTF_8.encode("hello"), callback);
              return true;
            }
          });
      listen(listen);
    }

    @Override
    public Handler front(Handler limits, MeterRegistry registry) {
      return new Handler.Wrapper(limits) {
        @Override
        public boolean handle(Request request, Response response, Callback callback)
            throws Exception {
          response.getHeaders().put("X-Front", "yes");
          return super.handle(request, response, callback);
        }
      };
    }
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void theManagementPortServesProbesAndMetricsOutsideTheApiAndTheApiPortOnlyTheApi()
      throws Exception {
    int management = freePort();
    server = start(new ApiRoutes.Listen(management, null, null));
    HttpClient client = HttpClient.newHttpClient();

    for (String probe : new String[] {"/health/live", "/health/ready", "/metrics"}) {
      HttpResponse<String> there = get(client, "http://127.0.0.1:" + management + probe);
      assertEquals(200, there.statusCode(), probe);
      assertTrue(there.headers().firstValue("X-Front").isEmpty(), probe + " passed the API door");
      assertEquals(404, get(client, api("http", probe)).statusCode(), probe + " on the API port");
    }
    HttpResponse<String> hello = get(client, api("http", "/hello"));
    assertEquals(200, hello.statusCode());
    assertEquals("yes", hello.headers().firstValue("X-Front").orElse(""));
    assertEquals(404, get(client, "http://127.0.0.1:" + management + "/hello").statusCode());
  }

  @Test
  void withoutAManagementPortTheProbesShareTheApiPortWithoutPassingTheApiDoor() throws Exception {
    server = start(new ApiRoutes.Listen(null, null, null));
    HttpClient client = HttpClient.newHttpClient();

    HttpResponse<String> ready = get(client, api("http", "/health/ready"));
    assertEquals(200, ready.statusCode());
    assertTrue(ready.headers().firstValue("X-Front").isEmpty());
    assertEquals(200, get(client, api("http", "/hello")).statusCode());
  }

  @Test
  void tlsServesTls12And13AndRefuses11WhileTheManagementPortStaysPlain(@TempDir Path dir)
      throws Exception {
    KeyStore store = TlsFiles.selfSigned(dir, PASSWORD);
    TlsFiles.writePem(store, PASSWORD, dir);
    int management = freePort();
    server =
        start(new ApiRoutes.Listen(management, dir.resolve("cert.pem"), dir.resolve("key.pem")));
    SSLContext tls = context(store);

    for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
      SSLParameters only = new SSLParameters();
      only.setProtocols(new String[] {protocol});
      HttpClient client = HttpClient.newBuilder().sslContext(tls).sslParameters(only).build();
      HttpResponse<String> hello = get(client, api("https", "/hello"));
      assertEquals(200, hello.statusCode());
      assertEquals(protocol, hello.sslSession().orElseThrow().getProtocol());
    }
    assertTrue(refusesTls11(server.port()), "TLS 1.1 was served");
    HttpClient plain = HttpClient.newHttpClient();
    assertEquals(200, get(plain, "http://127.0.0.1:" + management + "/health/live").statusCode());
  }

  /**
   * Sends a TLS 1.1 ClientHello by hand (the JDK's own client may not offer 1.1): true unless the
   * server answers with a TLS 1.1 ServerHello.
   */
  private static boolean refusesTls11(int port) throws Exception {
    ByteArrayOutputStream hello = new ByteArrayOutputStream();
    hello.write(new byte[] {3, 2}); // client_version TLS 1.1
    hello.write(new byte[32]); // random
    hello.write(0); // no session id
    hello.write(new byte[] {0, 6, (byte) 0xc0, 0x09, (byte) 0xc0, 0x13, 0x00, 0x2f}); // CBC suites
    hello.write(new byte[] {1, 0}); // no compression
    // supported_groups secp256r1, ec_point_formats uncompressed
    hello.write(new byte[] {0, 14, 0, 0x0a, 0, 4, 0, 2, 0, 0x17, 0, 0x0b, 0, 2, 1, 0});
    byte[] body = hello.toByteArray();
    ByteArrayOutputStream record = new ByteArrayOutputStream();
    record.write(new byte[] {0x16, 3, 1, 0, (byte) (body.length + 4)});
    record.write(new byte[] {1, 0, 0, (byte) body.length});
    record.write(body);
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(record.toByteArray());
      byte[] answer = socket.getInputStream().readNBytes(11);
      boolean serverHello = answer.length == 11 && answer[0] == 0x16 && answer[5] == 2;
      return !(serverHello && answer[9] == 3 && answer[10] == 2);
    } catch (SocketException e) {
      return true; // reset: refused
    }
  }

  private HealthServer start(ApiRoutes.Listen listen) {
    return HealthServer.start(
        "127.0.0.1",
        0,
        () -> Map.of("database", "ok"),
        metrics,
        new Hello(listen),
        Tracing.OFF,
        System::getenv);
  }

  private String api(String scheme, String path) {
    return scheme + "://127.0.0.1:" + server.port() + path;
  }

  private static HttpResponse<String> get(HttpClient client, String uri) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A client and server context holding the self-signed pair and trusting it. */
  private static SSLContext context(KeyStore store) throws Exception {
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, PASSWORD);
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
    return context;
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
