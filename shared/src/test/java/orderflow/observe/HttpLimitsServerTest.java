package orderflow.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import orderflow.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP server against hostile and demanding clients: limits, refusals, HTTP/1.1 framing. */
class HttpLimitsServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpLimits LIMITS =
      new HttpLimits(
          Duration.ofMillis(1500),
          Duration.ofSeconds(10),
          1024,
          64 * 1024,
          1024,
          64,
          1,
          1,
          Duration.ofSeconds(2));

  private final ConsumerMetrics metrics = ConsumerMetrics.create("orders");
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch entered = new CountDownLatch(1);
  private final HealthServer server =
      HealthServer.start(
          "127.0.0.1",
          0,
          () -> Map.of("database", "ok"),
          metrics,
          List.of(new Echo(), new Direct()),
          LIMITS);
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** Answers {@code /echo} with the body it was given; {@code /block} waits for the test. */
  private final class Echo implements HttpRoute {
    @Override
    public boolean matches(String path) {
      return path.equals("/echo") || path.equals("/block");
    }

    @Override
    public HttpReply handle(RouteRequest request) {
      request.queryParameters();
      if (request.path().equals("/block")) {
        entered.countDown();
        try {
          release.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return HttpReply.of(200, "text/plain", request.body());
    }
  }

  /**
   * Answers {@code /direct} without blocking, from another thread: {@code direct:} and the body;
   * the body {@code busy} is refused as overloaded, {@code fail} fails. On the API pool (a body too
   * large to be answered on the Jetty thread) it answers {@code pooled:} and the body's size.
   */
  private static final class Direct implements HttpRoute {
    @Override
    public boolean matches(String path) {
      return path.equals("/direct");
    }

    @Override
    public HttpReply handle(RouteRequest request) {
      return HttpReply.of(200, "text/plain", "pooled:" + request.body().length);
    }

    @Override
    public CompletionStage<HttpReply> answerWithoutBlocking(RouteRequest request) {
      String body = new String(request.body(), StandardCharsets.UTF_8);
      return switch (body) {
        case "busy" -> CompletableFuture.failedFuture(new RejectedExecutionException("full"));
        case "fail" -> CompletableFuture.failedFuture(new IllegalStateException("broken"));
        default ->
            CompletableFuture.supplyAsync(
                () -> HttpReply.of(200, "text/plain", "direct:" + body),
                CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS));
      };
    }
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.close();
  }

  @Test
  void twentyClientsDrippingRequestHeadsDoNotDelayProbesAndEachGets408() throws Exception {
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.getOutputStream().write("GET /health/live HTTP/1.1\r\nX-".getBytes());
        slow.add(socket);
      }
      for (int round = 0; round < 3; round++) {
        long started = System.nanoTime();
        assertEquals(200, get("/health/live").statusCode());
        assertEquals(200, get("/health/ready").statusCode());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() < 500);
        for (Socket socket : slow) {
          socket.getOutputStream().write('a');
        }
        Thread.sleep(200);
      }
      for (Socket socket : slow) {
        socket.setSoTimeout(5_000);
        String answer = readAll(socket.getInputStream());
        assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
      }
      assertTrue(
          get("/metrics")
              .body()
              .contains(
                  "orderflow_http_refused_total{consumer=\"orders\"," + "reason=\"timeout\"} 20.0"),
          "refusals are counted by reason");
    } finally {
      for (Socket socket : slow) {
        socket.close();
      }
    }
  }

  @Test
  void aBodySentSlowerThanTheMinimumRateGets408WhileProbesAnswer() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + "Content-Length: 2000\r\n\r\n{")
              .getBytes(StandardCharsets.US_ASCII));
      socket.setSoTimeout(200);
      long started = System.nanoTime();
      String answer = "";
      while (answer.isEmpty() && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(8)) {
        assertEquals(200, get("/health/live").statusCode());
        try {
          out.write(' ');
        } catch (IOException closed) {
          // The server may already have closed its side.
        }
        try {
          answer = readAll(socket.getInputStream());
        } catch (SocketTimeoutException e) {
          answer = "";
        }
      }
      assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
      assertTrue(answer.contains("application/problem+json"), answer);
      assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 6);
    }
  }

  @Test
  void aFullApiQueueAnswers503WithRetryAfterAndProbesStillAnswer() throws Exception {
    List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
    pending.add(client.sendAsync(post("/block", "{}"), HttpResponse.BodyHandlers.ofString()));
    assertTrue(entered.await(5, TimeUnit.SECONDS));
    for (int i = 0; i < 3; i++) {
      pending.add(client.sendAsync(post("/echo", "{}"), bodyAsString()));
    }
    HttpResponse<String> refused = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (refused == null && System.nanoTime() < deadline) {
      for (var future : pending) {
        if (future.isDone() && future.get().statusCode() == 503) {
          refused = future.get();
        }
      }
      Thread.sleep(20);
    }
    assertTrue(refused != null, "a request beyond thread and queue is refused");
    assertEquals("2", refused.headers().firstValue("Retry-After").orElseThrow());
    assertEquals(Problem.CONTENT_TYPE, refused.headers().firstValue("Content-Type").orElseThrow());
    assertEquals("urn:orderflow:problem:overloaded", json(refused).get("type").asText());
    assertEquals(200, get("/health/ready").statusCode());
    release.countDown();
    int served = 0;
    for (var future : pending) {
      served += future.get(10, TimeUnit.SECONDS).statusCode() == 200 ? 1 : 0;
    }
    assertEquals(2, served, "the request on the thread and the one queued are served");
    assertTrue(get("/metrics").body().contains("reason=\"busy\""));
  }

  @Test
  void aRouteThatAnswersWithoutBlockingIsAnsweredWhileTheApiPoolIsFull() throws Exception {
    List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
    pending.add(client.sendAsync(post("/block", "{}"), bodyAsString()));
    assertTrue(entered.await(5, TimeUnit.SECONDS));
    for (int i = 0; i < 2; i++) {
      pending.add(client.sendAsync(post("/echo", "{}"), bodyAsString()));
    }
    TestBroker.await(
        "a request refused: the one API thread busy, its queue full",
        Duration.ofSeconds(5),
        () -> pending.stream().anyMatch(f -> f.isDone() && f.join().statusCode() == 503));

    HttpResponse<String> direct = client.send(post("/direct", "hello"), bodyAsString());

    assertEquals(200, direct.statusCode());
    assertEquals("direct:hello", direct.body());
    assertEquals("12", direct.headers().firstValue("Content-Length").orElseThrow());
    release.countDown();
    int served = 0;
    for (var future : pending) {
      served += future.get(10, TimeUnit.SECONDS).statusCode() == 200 ? 1 : 0;
    }
    assertEquals(2, served, "the request on the thread and the one queued");
  }

  @Test
  void aDirectAnswerRefusedAsBusyIs503WithRetryAfterAndAFailedOneIs500() throws Exception {
    HttpResponse<String> busy = client.send(post("/direct", "busy"), bodyAsString());
    HttpResponse<String> failed = client.send(post("/direct", "fail"), bodyAsString());

    assertEquals(503, busy.statusCode());
    assertEquals("2", busy.headers().firstValue("Retry-After").orElseThrow());
    assertEquals("urn:orderflow:problem:overloaded", json(busy).get("type").asText());
    assertEquals(500, failed.statusCode());
    assertEquals(Problem.CONTENT_TYPE, failed.headers().firstValue("Content-Type").orElseThrow());
    assertTrue(get("/metrics").body().contains("reason=\"busy\""));
  }

  @Test
  void aBodyOverFourKibIsAnsweredOnTheApiPool() throws Exception {
    String large = "x".repeat(RouteDispatch.MAX_DIRECT_BODY_BYTES + 1);
    assertEquals("pooled:4097", client.send(post("/direct", large), bodyAsString()).body());
    String small = "x".repeat(RouteDispatch.MAX_DIRECT_BODY_BYTES);
    assertEquals("direct:" + small, client.send(post("/direct", small), bodyAsString()).body());
  }

  @Test
  void pipelinedRequestsOnOneKeptAliveConnectionAreAllAnswered() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(5_000);
      String request = "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n";
      String last = "GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
      socket.getOutputStream().write((request + request + last).getBytes());
      String answers = readAll(socket.getInputStream());
      assertEquals(3, answers.split("HTTP/1.1 200 OK", -1).length - 1, answers);
    }
  }

  @Test
  void aChunkedBodyReachesTheRoute() throws Exception {
    String answer =
        exchange(
            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close"
                + "\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
    assertTrue(answer.startsWith("HTTP/1.1 200 OK"), answer);
    assertTrue(answer.endsWith("abcde"), answer);
  }

  @Test
  void ambiguousFramingIsRefusedWith400Problems() throws Exception {
    for (String head :
        List.of(
            "Content-Length: 2\r\nContent-Length: 3\r\n",
            "Content-Length : 2\r\n",
            "Content-Length: +2\r\n",
            "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n")) {
      String answer =
          exchange("POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + head + "\r\n{}");
      assertTrue(answer.startsWith("HTTP/1.1 400 "), head + " -> " + answer);
      assertTrue(answer.contains(Problem.CONTENT_TYPE), answer);
    }
  }

  @Test
  void aBodyOverTheLimitIs413() throws Exception {
    HttpResponse<String> response = client.send(post("/echo", "x".repeat(70_000)), bodyAsString());
    assertEquals(413, response.statusCode());
    assertEquals("urn:orderflow:problem:content-too-large", json(response).get("type").asText());
  }

  @Test
  void badPercentEncodingAndControlCharactersInTheTargetAre400Problems() throws Exception {
    for (String target : List.of("/echo?a=%zz", "/echo?a=%", "/echo?a=%00", "/%zz")) {
      String answer =
          exchange("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertTrue(
          answer.startsWith("HTTP/1.1 400 ") || answer.startsWith("HTTP/1.1 404 "),
          target + " -> " + answer);
      assertTrue(answer.contains(Problem.CONTENT_TYPE), answer);
    }
  }

  private String exchange(String raw) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
      return readAll(socket.getInputStream());
    }
  }

  private static String readAll(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  private HttpRequest post(String path, String body) {
    return HttpRequest.newBuilder(uri(path))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5)).GET().build(),
        bodyAsString());
  }

  private static HttpResponse.BodyHandler<String> bodyAsString() {
    return HttpResponse.BodyHandlers.ofString();
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }
}
