package orderflow.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsScrapeTest {
  private static final String INVENTORY_PAGE =
      """
      # HELP orderflow_retries_total Deliveries sent to a retry queue
      # TYPE orderflow_retries_total counter
      orderflow_retries_total{consumer="inventory",tier="1s"} 3.0
      orderflow_retries_total{consumer="inventory",tier="5s"} 1.0
      orderflow_retries_total_created{consumer="inventory"} 1.7E9
      orderflow_acks_total{consumer="inventory"} 40.0
      """;

  private static final String SHIPPING_PAGE =
      """
      orderflow_retries_total 2.0
      """;

  private HttpServer server;

  @BeforeEach
  void serveTwoPagesAndAFailingOne() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/inventory", exchange -> answer(exchange, 200, INVENTORY_PAGE));
    server.createContext("/shipping", exchange -> answer(exchange, 200, SHIPPING_PAGE));
    server.createContext("/broken", exchange -> answer(exchange, 503, "not ready"));
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void sumsEverySampleOfTheMetricAndNoOtherWithTheSamePrefix() {
    assertEquals(4.0, MetricsScrape.sum(INVENTORY_PAGE, "orderflow_retries_total"));
    assertEquals(2.0, MetricsScrape.sum(SHIPPING_PAGE, "orderflow_retries_total"));
    assertEquals(0.0, MetricsScrape.sum(SHIPPING_PAGE, "orderflow_dead_letters_total"));
  }

  @Test
  void sumsTheMetricAcrossPages() throws Exception {
    assertEquals(
        6.0,
        MetricsScrape.sum(
            List.of(page("/inventory"), page("/shipping")), "orderflow_retries_total"));
  }

  @Test
  void aPageThatDoesNotAnswer200IsAnError() {
    IOException failure =
        assertThrows(
            IOException.class,
            () ->
                MetricsScrape.sum(
                    List.of(page("/inventory"), page("/broken")), "orderflow_retries_total"));

    assertTrue(failure.getMessage().contains("/broken answered 503"), failure.getMessage());
  }

  private URI page(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  private static void answer(com.sun.net.httpserver.HttpExchange exchange, int status, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
