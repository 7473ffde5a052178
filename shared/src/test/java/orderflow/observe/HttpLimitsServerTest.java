package orderflow.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import orderflow.testing.TestBroker;
import orderflow.trace.Tracing;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP server against hostile and demanding clients: limits, refusals, HTTP/1.1 framing. */
class HttpLimitsServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> LIMITS =
      Map.of(
          "HTTP_HEAD_DEADLINE_MS", "1500",
          "HTTP_IDLE_TIMEOUT_MS", "10000",
          "HTTP_API_THREADS", "1",
          "HTTP_API_QUEUE", "1",
          "HTTP_RETRY_AFTER_SECONDS", "2");

  private final ConsumerMetrics metrics = ConsumerMetrics.create("orders");
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch entered = new CountDownLatch(1);
  private final HealthServer server =
      HealthServer.start(
          "127.0.0.1",
          0,
          () -> Map.of("database", "ok"),
          metrics,
          new TestRoutes(),
          Tracing.OFF,
          LIMITS::get);
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * {@code /echo} answers with the body it was given; {@code /block} waits for the test; {@code
   * /direct} (POST) holds no thread and answers from another thread {@code direct:} and the body, a
   * 503 for the body {@code busy}, and fails for {@code fail}.
   */
  private final class TestRoutes extends ApiRoutes {
    TestRoutes() {
      add("/echo", route(this::echo));
      add("/block", route(this::block));
      add("/direct", route(this::direct));
      addWithoutBlocking("POST", "/direct");
    }

    private void echo(Request request, Response response, Callback callback) throws Exception {
      CompletableFuture<byte[]> read = new CompletableFuture<>();
      Content.Source.asByteArrayAsync(request, -1, Promise.Invocable.toPromise(read));
      byte[] body;
      try {
        body = read.get();
      } catch (java.util.concurrent.ExecutionException e) {
        Response.writeError(request, response, callback, e.getCause());
        return;
      }
      response.write(true, ByteBuffer.wrap(body), callback);
    }

    private void block(Request request, Response response, Callback callback) throws Exception {
      entered.countDown();
      release.await(20, TimeUnit.SECONDS);
      echo(request, response, callback);
    }

    private void direct(Request request, Response response, Callback callback) {
      CompletableFuture<byte[]> read = new CompletableFuture<>();
      Content.Source.asByteArrayAsync(request, -1, Promise.Invocable.toPromise(read));
      read.thenApplyAsync(
              bytes -> new String(bytes, StandardCharsets.UTF_8),
              CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS))
          .whenComplete(
              (body, failure) -> {
                if (failure != null) {
                  Response.writeError(request, response, callback, failure.getCause());
                  return;
                }
                switch (body) {
                  case "busy" -> Response.writeError(request, response, callback, 503);
                  case "fail" -> callback.failed(new IllegalStateException("broken secret"));
                  default ->
                      response.write(
                          true, StandardCharsets.UTF_8.encode("direct:" + body), callback);
                }
              });
    }
  }

  @FunctionalInterface
  private interface Route {
    void answer(Request request, Response response, Callback callback) throws Exception;
  }

  private static Handler route(Route route) {
    return new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback)
          throws Exception {
        route.answer(request, response, callback);
        return true;
      }
    };
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
    List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
    pending.add(client.sendAsync(post("/block", "{}"), bodyAsString()));
    assertTrue(entered.await(5, TimeUnit.SECONDS));
    for (int i = 0; i < 3; i++) {
      pending.add(client.sendAsync(post("/echo", "{}"), bodyAsString()));
    }
    TestBroker.await(
        "a request beyond the one API slot and its queue is refused",
        Duration.ofSeconds(5),
        () -> pending.stream().anyMatch(f -> f.isDone() && f.join().statusCode() == 503));
    HttpResponse<String> refused =
        pending.stream()
            .filter(f -> f.isDone() && f.join().statusCode() == 503)
            .findFirst()
            .orElseThrow()
            .join();
    assertEquals("2", refused.headers().firstValue("Retry-After").orElseThrow());
    assertEquals(Problem.CONTENT_TYPE, refused.headers().firstValue("Content-Type").orElseThrow());
    assertEquals("urn:orderflow:problem:overloaded", json(refused).get("type").asText());
    assertEquals(200, get("/health/ready").statusCode());
    assertEquals(200, get("/metrics").statusCode());

    HttpResponse<String> direct = client.send(post("/direct", "hello"), bodyAsString());
    assertEquals(200, direct.statusCode(), "a route that holds no thread is outside the limit");
    assertEquals("direct:hello", direct.body());

    release.countDown();
    int served = 0;
    for (var future : pending) {
      served += future.get(10, TimeUnit.SECONDS).statusCode() == 200 ? 1 : 0;
    }
    assertEquals(2, served, "the request in the slot and the one queued are served");
    assertTrue(get("/metrics").body().contains("reason=\"busy\""));
  }

  @Test
  void a503FromARouteCarriesRetryAfterAndAFailedRouteIsA500WithoutItsExceptionText()
      throws Exception {
    HttpResponse<String> busy = client.send(post("/direct", "busy"), bodyAsString());
    HttpResponse<String> failed = client.send(post("/direct", "fail"), bodyAsString());

    assertEquals(503, busy.statusCode());
    assertEquals("2", busy.headers().firstValue("Retry-After").orElseThrow());
    assertEquals("urn:orderflow:problem:overloaded", json(busy).get("type").asText());
    assertEquals(500, failed.statusCode());
    assertEquals(Problem.CONTENT_TYPE, failed.headers().firstValue("Content-Type").orElseThrow());
    assertFalse(failed.body().contains("broken secret"), failed.body());
  }

  @Test
  void pipelinedRequestsOnOneKeptAliveConnectionAreAllAnswered() throws Exception {
    String request = "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n";
    String last = "GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    String answers = exchange(request + request + last);
    assertEquals(3, answers.split("HTTP/1.1 200 OK", -1).length - 1, answers);
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
  void aChunkedBodyOverTheLimitIs413WithoutExceptionTextOrAStackTrace() throws Exception {
    String chunk = "x".repeat(8192);
    StringBuilder chunked = new StringBuilder();
    for (int i = 0; i < 9; i++) {
      chunked.append("2000\r\n").append(chunk).append("\r\n");
    }
    chunked.append("0\r\n\r\n");
    for (String path : List.of("/echo", "/direct")) {
      String log =
          stderrOf(
              () ->
                  assertProblem(
                      exchange(
                          "POST "
                              + path
                              + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                              + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                              + chunked),
                      413,
                      "content-too-large"));
      assertFalse(log.contains("\tat "), "no stack trace: " + log);
    }
  }

  @Test
  void bodyCodingsWeDoNotDecodeAre415() throws Exception {
    for (String coding :
        List.of(
            "Content-Encoding: gzip\r\nContent-Length: 2\r\n\r\n{}",
            "Transfer-Encoding: gzip, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")) {
      String answer =
          exchange(
              "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + "Connection: close\r\n"
                  + coding);
      assertProblem(answer, 415, "unsupported-media-type");
    }
    assertTrue(
        exchange(
                "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Encoding: identity\r\n"
                    + "Content-Length: 2\r\nConnection: close\r\n\r\n{}")
            .startsWith("HTTP/1.1 200 "));
  }

  @Test
  void aBrokenRequestLineOrHttp09IsTheClientsError() throws Exception {
    for (String raw :
        List.of(
            "GET /echo\rX HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /ec\nho HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /echo\r\n\r\n",
            "GET /echo HTTP/0.9\r\n\r\n")) {
      String answer = exchange(raw);
      assertTrue(answer.startsWith("HTTP/1.1 4"), raw + " -> " + answer);
      assertTrue(answer.contains("urn:orderflow:problem:malformed-request"), answer);
    }
  }

  @Test
  void aFloodOfRefusalsIsCountedNotLoggedOneByOneAndClientTextIsCutShort() throws Exception {
    String log =
        stderrOf(
            () -> {
              for (int i = 0; i < 30; i++) {
                String answer =
                    exchange("CONNECT /" + "A".repeat(6000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
                assertTrue(answer.startsWith("HTTP/1.1 4"), answer);
                assertTrue(answer.length() < 2000, "the answer does not echo the target");
              }
            });
    assertTrue(log.lines().count() < 5, log);
    assertFalse(log.contains("A".repeat(300)), log);
    assertTrue(get("/metrics").body().contains("reason=\"malformed\""));
  }

  @Test
  void badPercentEncodingAndControlCharactersInTheTargetAre400Problems() throws Exception {
    for (String target : List.of("/echo?a=%zz", "/echo?a=%", "/echo?a=%00", "/%zz")) {
      String answer =
          exchange("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertTrue(
          answer.startsWith("HTTP/1.1 400 ")
              || answer.startsWith("HTTP/1.1 404 ")
              || answer.startsWith("HTTP/1.1 200 "),
          target + " -> " + answer);
      assertTrue(
          answer.contains(Problem.CONTENT_TYPE) || answer.startsWith("HTTP/1.1 200 "), answer);
    }
  }

  private static void assertProblem(String answer, int status, String type) {
    assertTrue(answer.startsWith("HTTP/1.1 " + status + " "), answer);
    assertTrue(answer.contains(Problem.CONTENT_TYPE), answer);
    assertTrue(answer.contains("urn:orderflow:problem:" + type), answer);
    assertFalse(answer.contains("Exception"), answer);
  }

  @FunctionalInterface
  private interface Io {
    void run() throws Exception;
  }

  /** What {@code code} wrote to standard error (slf4j-simple's log). */
  private static synchronized String stderrOf(Io code) throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      code.run();
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  private String exchange(String raw) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
      try {
        return readAll(socket.getInputStream());
      } catch (SocketException reset) {
        return "reset";
      }
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
