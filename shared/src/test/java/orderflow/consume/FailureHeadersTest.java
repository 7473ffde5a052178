package orderflow.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FailureHeadersTest {
  private static Delivery delivery(Map<String, Object> headers) {
    return new Delivery(
        new Envelope(7, false, "", "ns.inventory"),
        new AMQP.BasicProperties.Builder().headers(headers).build(),
        new byte[0]);
  }

  @Test
  void keepsTheFirstFailureAndOriginalRouteAcrossRetries() {
    Delivery retried =
        delivery(
            Map.of(
                DeadLetterHeaders.FIRST_FAILURE_AT, "2026-11-23T09:00:00Z",
                DeadLetterHeaders.ORIGINAL_EXCHANGE, "ns.orders",
                DeadLetterHeaders.ORIGINAL_ROUTING_KEY, "order.created",
                DeadLetterHeaders.ATTEMPTS, 1));
    Map<String, Object> headers =
        FailureHeaders.describe(
            retried,
            new IllegalStateException("boom"),
            2,
            "inventory",
            Instant.parse("2026-11-23T09:00:05Z"));
    assertEquals("2026-11-23T09:00:00Z", headers.get(DeadLetterHeaders.FIRST_FAILURE_AT));
    assertEquals("2026-11-23T09:00:05Z", headers.get(DeadLetterHeaders.LAST_FAILURE_AT));
    assertEquals("ns.orders", headers.get(DeadLetterHeaders.ORIGINAL_EXCHANGE));
    assertEquals("order.created", headers.get(DeadLetterHeaders.ORIGINAL_ROUTING_KEY));
    assertEquals(2, headers.get(DeadLetterHeaders.ATTEMPTS));
    assertEquals(2, retried.previousAttempts() + 1);
  }

  @Test
  void cutsAHugeExceptionMessageSoNoHeaderCanBreakTheFrame() {
    String huge = "x".repeat(1_000_000);
    Map<String, Object> headers =
        FailureHeaders.describe(
            delivery(Map.of()), new RuntimeException(huge), 1, "inventory", Instant.now());
    String message = (String) headers.get(DeadLetterHeaders.EXCEPTION_MESSAGE);
    assertEquals(DeadLetterHeaders.MAX_MESSAGE_CHARS, message.length());
    assertTrue(message.endsWith("..."));
  }

  @Test
  void attemptsStartAtZeroWithoutOurHeader() {
    assertEquals(0, delivery(Map.of("x-death", "ignored")).previousAttempts());
  }
}
