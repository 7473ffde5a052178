package orderflow.dlq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.LongString;
import com.rabbitmq.client.impl.LongStringHelper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import orderflow.deadletter.DeadLetterHeaders;
import org.junit.jupiter.api.Test;

class DeadLetterReaderTest {
  private static final byte[] BODY = "{\"eventId\":\"e-1\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void readsTheRuntimesFailureHeaders() {
    Map<String, Object> headers = new HashMap<>();
    headers.put(DeadLetterHeaders.REASON, text("retries-exhausted"));
    headers.put(DeadLetterHeaders.EXCEPTION_CLASS, text("java.sql.SQLTransientException"));
    headers.put(DeadLetterHeaders.EXCEPTION_MESSAGE, text("database is locked"));
    headers.put(DeadLetterHeaders.ATTEMPTS, 4);
    headers.put(DeadLetterHeaders.FIRST_FAILURE_AT, text("2026-11-22T10:00:00Z"));
    headers.put(DeadLetterHeaders.LAST_FAILURE_AT, text("2026-11-22T10:00:36.500Z"));
    headers.put(DeadLetterHeaders.ORIGINAL_EXCHANGE, text("orders"));
    headers.put(DeadLetterHeaders.ORIGINAL_ROUTING_KEY, text("order.created"));
    headers.put(DeadLetterHeaders.CONSUMER, text("consumer-inventory"));

    DeadLetter letter = read(properties("e-1", "OrderCreated", headers), BODY);

    assertEquals("e-1", letter.eventId());
    assertEquals("OrderCreated", letter.eventType());
    assertEquals("retries-exhausted", letter.reason());
    assertEquals("java.sql.SQLTransientException", letter.exceptionClass());
    assertEquals("database is locked", letter.exceptionMessage());
    assertEquals(4, letter.attempts());
    assertEquals(Instant.parse("2026-11-22T10:00:00Z"), letter.firstFailureAt());
    assertEquals(Instant.parse("2026-11-22T10:00:36.500Z"), letter.lastFailureAt());
    assertEquals("orders", letter.originalExchange());
    assertEquals("order.created", letter.originalRoutingKey());
    assertEquals("consumer-inventory", letter.consumer());
    assertEquals("retries-exhausted", letter.headers().get(DeadLetterHeaders.REASON));
    assertEquals("{\"eventId\":\"e-1\"}", letter.body());
  }

  @Test
  void readsABrokerDeadLetterFromXDeath() {
    Date died = Date.from(Instant.parse("2026-11-22T11:00:00Z"));
    Map<String, Object> death = new HashMap<>();
    death.put("reason", text("delivery_limit"));
    death.put("queue", text("ns.inventory"));
    death.put("exchange", text("ns.orders"));
    death.put("routing-keys", List.of(text("order.created")));
    death.put("count", 1L);
    death.put("time", died);
    Map<String, Object> headers = new HashMap<>();
    headers.put("x-death", List.of(death));
    headers.put("x-first-death-reason", text("delivery_limit"));
    headers.put("x-first-death-queue", text("ns.inventory"));
    headers.put("x-first-death-exchange", text("ns.orders"));
    headers.put("x-delivery-count", 5L);

    DeadLetter letter = read(properties("e-2", "OrderCreated", headers), BODY);

    assertEquals("delivery_limit", letter.reason());
    assertEquals("ns.orders", letter.originalExchange());
    assertEquals("order.created", letter.originalRoutingKey());
    assertEquals(died.toInstant(), letter.lastFailureAt());
    assertEquals(5, letter.attempts());
    assertNull(letter.exceptionClass());
    assertTrue(letter.headers().get("x-death") instanceof List<?>);
  }

  @Test
  void filtersByTypeReasonTimeAndId() {
    DeadLetter letter =
        read(
            properties(
                "e-3",
                "InventoryReserved",
                Map.of(
                    DeadLetterHeaders.REASON, text("permanent-failure"),
                    DeadLetterHeaders.LAST_FAILURE_AT, text("2026-11-22T10:00:00Z"))),
            // The body names the same event as the properties: letters are known by their body.
            "{\"eventId\":\"e-3\"}".getBytes(StandardCharsets.UTF_8));
    Instant at = Instant.parse("2026-11-22T10:00:00Z");

    assertTrue(FilterOptions.all().matches(letter));
    assertTrue(filter("InventoryReserved", "perm", null, null).matches(letter));
    assertFalse(filter("OrderCreated", null, null, null).matches(letter));
    assertFalse(filter(null, "^retries", null, null).matches(letter));
    assertTrue(filter(null, null, at, at.plusSeconds(1)).matches(letter));
    assertFalse(filter(null, null, at.plusSeconds(1), null).matches(letter));
    assertFalse(filter(null, null, null, at).matches(letter));
    assertTrue(FilterOptions.eventId("e-3").matches(letter));
    assertFalse(FilterOptions.eventId("e-4").matches(letter));
  }

  static FilterOptions filter(String type, String reason, Instant since, Instant until) {
    FilterOptions filter = FilterOptions.all();
    filter.type = type;
    filter.reason = reason == null ? null : Pattern.compile(reason);
    filter.since = since;
    filter.until = until;
    return filter;
  }

  private static AMQP.BasicProperties properties(
      String id, String type, Map<String, Object> headers) {
    return new AMQP.BasicProperties.Builder().messageId(id).type(type).headers(headers).build();
  }

  private static LongString text(String value) {
    return LongStringHelper.asLongString(value);
  }

  private static DeadLetter read(AMQP.BasicProperties properties, byte[] body) {
    return DeadLetter.read(properties, body, LetterBody.WHOLE);
  }
}
