package orderflow.deadletter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeadLetterHeadersTest {
  private static Map<String, Object> describe(
      Map<String, Object> delivered, Throwable cause, int attempts, String consumer, Instant now) {
    return DeadLetterHeaders.describe(
        delivered, "", "ns.inventory", cause, attempts, consumer, now);
  }

  @Test
  void keepsTheFirstFailureAndOriginalRouteAcrossRetries() {
    Map<String, Object> retried =
        Map.of(
            DeadLetterHeaders.FIRST_FAILURE_AT, "2026-11-23T09:00:00Z",
            DeadLetterHeaders.ORIGINAL_EXCHANGE, "ns.orders",
            DeadLetterHeaders.ORIGINAL_ROUTING_KEY, "order.created",
            DeadLetterHeaders.ATTEMPTS, 1);
    Map<String, Object> headers =
        describe(
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
    assertEquals(2, DeadLetterHeaders.previousAttempts(retried) + 1);
  }

  @Test
  void cutsAHugeExceptionMessageSoNoHeaderCanBreakTheFrame() {
    String huge = "x".repeat(1_000_000);
    Map<String, Object> headers =
        describe(Map.of(), new RuntimeException(huge), 1, "inventory", Instant.now());
    String message = (String) headers.get(DeadLetterHeaders.EXCEPTION_MESSAGE);
    assertEquals(DeadLetterHeaders.MAX_MESSAGE_CHARS, message.length());
    assertTrue(message.endsWith("..."));
  }

  @Test
  void attemptsStartAtZeroWithoutOurHeader() {
    assertEquals(0, DeadLetterHeaders.previousAttempts(Map.of("x-death", "ignored")));
  }
}
