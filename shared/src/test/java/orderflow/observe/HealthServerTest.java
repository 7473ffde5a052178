package orderflow.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import orderflow.trace.Tracing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, String> components = new ConcurrentHashMap<>();
  private final ConsumerMetrics metrics = ConsumerMetrics.create("shipping");
  private final HealthServer server;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  HealthServerTest() {
    components.put("connection", "ok");
    components.put("database", "ok");
    server = start(0, () -> Map.copyOf(components));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void livenessAnswersUpOnAnEphemeralPort() throws Exception {
    HttpResponse<String> response = get("/health/live");

    assertTrue(server.port() > 0);
    assertEquals(200, response.statusCode());
    assertEquals("UP", JSON.readTree(response.body()).get("status").asText());
  }

  @Test
  void readinessTurnsDownAndNamesTheComponentThatIsNotOk() throws Exception {
    HttpResponse<String> ready = get("/health/ready");
    assertEquals(200, ready.statusCode());
    JsonNode up = JSON.readTree(ready.body());
    assertEquals("UP", up.get("status").asText());
    assertEquals("ok", up.get("components").get("database").asText());

    components.put("database", "down: connection refused");
    HttpResponse<String> notReady = get("/health/ready");

    assertEquals(503, notReady.statusCode());
    JsonNode down = JSON.readTree(notReady.body());
    assertEquals("DOWN", down.get("status").asText());
    assertEquals("down: connection refused", down.get("components").get("database").asText());
    assertEquals("ok", down.get("components").get("connection").asText());
    assertEquals("application/json", notReady.headers().firstValue("Content-Type").orElseThrow());
  }

  @Test
  void readinessIsDownWhenTheCheckItselfFails() throws Exception {
    try (HealthServer failing =
        start(
            0,
            () -> {
              throw new IllegalStateException("no runtime yet");
            })) {
      HttpResponse<String> response = get(failing, "/health/ready");

      assertEquals(503, response.statusCode());
      assertTrue(response.body().contains("no runtime yet"), response.body());
    }
  }

  @Test
  void metricsServeThePrometheusTextWithCountsThatMoveWithEachCall() throws Exception {
    String before = get("/metrics").body();
    assertTrue(before.contains("orderflow_in_flight{consumer=\"shipping\"}"), before);

    for (int i = 0; i < 7; i++) {
      metrics.delivered("InventoryReserved");
    }
    HttpResponse<String> response = get("/metrics");

    assertEquals(200, response.statusCode());
    assertEquals(
        "text/plain; version=0.0.4; charset=utf-8",
        response.headers().firstValue("Content-Type").orElseThrow());
    assertTrue(
        response
            .body()
            .contains(
                "orderflow_deliveries_total{consumer=\"shipping\",event_type=\"InventoryReserved\"}"
                    + " 7.0\n"),
        response.body());
  }

  @Test
  void unknownPathsAre404AndOtherMethods405() throws Exception {
    assertEquals(404, get("/health").statusCode());
    assertEquals(404, get("/metrics/extra").statusCode());

    HttpResponse<String> post =
        client.send(
            HttpRequest.newBuilder(uri(server, "/health/live"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(405, post.statusCode());
    assertEquals("GET", post.headers().firstValue("Allow").orElseThrow());
    assertEquals(Problem.CONTENT_TYPE, post.headers().firstValue("Content-Type").orElseThrow());
    assertEquals(
        "urn:orderflow:problem:method-not-allowed",
        JSON.readTree(post.body()).get("type").asText());
  }

  @Test
  void headOnAProbeAnswersItsStatusWithoutABody() throws Exception {
    HttpResponse<String> head =
        client.send(
            HttpRequest.newBuilder(uri(server, "/health/ready"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertEquals(200, head.statusCode());
    assertEquals("", head.body());
  }

  @Test
  void withoutRoutesEveryOtherPathIsA404Problem() throws Exception {
    HttpResponse<String> response = get("/orders");

    assertEquals(404, response.statusCode());
    assertEquals(Problem.CONTENT_TYPE, response.headers().firstValue("Content-Type").orElseThrow());
    assertEquals(
        "urn:orderflow:problem:not-found", JSON.readTree(response.body()).get("type").asText());
  }

  @Test
  void closingReleasesThePort() throws Exception {
    int port = server.port();
    server.close();

    try (HealthServer again = start(port, () -> Map.of())) {
      assertEquals(port, again.port());
      assertEquals(200, get(again, "/health/ready").statusCode());
    }
  }

  @Test
  void clientsSendingHalfARequestHeadDoNotHoldUpTheReadinessProbe() throws Exception {
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        slow.add(halfARequest(server));
      }

      HttpResponse<String> probe =
          client.send(
              HttpRequest.newBuilder(uri(server, "/health/ready"))
                  .timeout(Duration.ofSeconds(1))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertEquals(200, probe.statusCode());
    } finally {
      for (Socket socket : slow) {
        socket.close();
      }
    }
  }

  @Test
  void aClientThatNeverEndsItsRequestHeadGets408AndIsCutOffWithinSeconds() throws Exception {
    try (Socket slow = halfARequest(server)) {
      slow.setSoTimeout(8_000);
      long started = System.nanoTime();

      String answer;
      try {
        answer = new String(slow.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      } catch (SocketException reset) {
        answer = "reset";
      }

      assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
      assertTrue(answer.contains("urn:orderflow:problem:request-timeout"), answer);
      assertTrue(
          Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(5)) < 0,
          "closed after the request-head deadline, not the client's patience");
    }
  }

  @Test
  void listensOnLoopbackUnlessGivenAnotherAddress() throws Exception {
    assertTrue(server.toString().contains("127.0.0.1:"), server.toString());

    try (HealthServer everywhere =
        HealthServer.start(
            "0.0.0.0", 0, () -> Map.of(), metrics, null, Tracing.OFF, System::getenv)) {
      assertTrue(everywhere.toString().contains("0.0.0.0:"), everywhere.toString());
      assertEquals(200, get(everywhere, "/health/live").statusCode());
    }
    assertThrows(
        IllegalArgumentException.class,
        () ->
            HealthServer.start(
                "no-such-host.invalid",
                0,
                () -> Map.of(),
                metrics,
                null,
                Tracing.OFF,
                System::getenv));
  }

  /** A connection that sent the start of a request and then nothing more. */
  private static Socket halfARequest(HealthServer target) throws IOException {
    Socket socket = new Socket("127.0.0.1", target.port());
    socket
        .getOutputStream()
        .write("GET /health/ready HTTP/1.1\r\nHost: localh".getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    return socket;
  }

  /** A server on the loopback interface with no routes of its own. */
  private HealthServer start(int port, ReadinessCheck readiness) {
    return HealthServer.start(
        "127.0.0.1", port, readiness, metrics, null, Tracing.OFF, System::getenv);
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return get(server, path);
  }

  private HttpResponse<String> get(HealthServer target, String path)
      throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(uri(target, path)).timeout(Duration.ofSeconds(5)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(HealthServer target, String path) {
    return URI.create("http://127.0.0.1:" + target.port() + path);
  }
}
