package orderflow.envelope;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What consumers refuse is what the producer cannot build: one set of limits on both sides. */
class EventLimitsTest {
  // Bodies up to 1 MiB, so that the field limits are what a huge field runs into, not the body
  // limit.
  private final EventCodec codec = new EventCodec(1024 * 1024);

  @ParameterizedTest
  @ValueSource(strings = {"sku\u0000", "sku\u001b[2J", "sku\u009b31m", "sku 1", "-sku", "sku:1"})
  void productIdsWithControlOrOtherCharactersAreInvalidOnTheWire(String productId) {
    InvalidEventException e = invalid(root -> firstItem(root).put("productId", productId));

    assertTrue(e.getMessage().contains("productId"), e.getMessage());
    assertTrue(e.field().startsWith("payload.items[0]"), e.field());
    assertSafeLine(e.getMessage());
  }

  @Test
  void anIdWithATerminalEscapeIsInvalid() {
    InvalidEventException e =
        invalid(root -> payload(root).put("customerId", "bob\u001b]0;owned\u0007"));

    assertTrue(
        e.getMessage().contains("customerId must not contain control characters"), e.reason());
    assertSafeLine(e.getMessage());
  }

  @Test
  void aHundredThousandCharacterProductIdIsInvalidAndNotQuotedWhole() {
    InvalidEventException e =
        invalid(root -> firstItem(root).put("productId", "p".repeat(100_000)));

    assertTrue(e.getMessage().contains("at most 128 characters"), e.getMessage());
    assertTrue(e.getMessage().length() < 600, "message of " + e.getMessage().length());
  }

  @ParameterizedTest
  @ValueSource(strings = {"1e400", "1E+2", "0.0000001", "1000000000000000", "-0.01"})
  void pricesOutOfRangeOrPrecisionAreInvalid(String price) {
    InvalidEventException e = invalid(root -> firstItem(root).put("price", new BigDecimal(price)));

    assertTrue(e.getMessage().contains("price"), e.getMessage());
  }

  @Test
  void aTotalOfOneE400IsInvalid() {
    InvalidEventException e =
        invalid(root -> payload(root).put("totalAmount", new BigDecimal("1e400")));

    assertTrue(e.getMessage().contains("totalAmount"), e.getMessage());
  }

  @Test
  void aQuantityOverNineDigitsIsInvalid() {
    InvalidEventException e = invalid(root -> firstItem(root).put("quantity", 1_000_000_000));

    assertTrue(e.getMessage().contains("from 1 to 999999999"), e.getMessage());
  }

  @Test
  void anOrderOfMoreThanAHundredLinesIsInvalid() {
    InvalidEventException e =
        invalid(
            root -> {
              ArrayNode items = (ArrayNode) payload(root).get("items");
              for (int i = items.size(); i <= EventLimits.MAX_ITEMS; i++) {
                items.add(((ObjectNode) items.get(0).deepCopy()).put("productId", "sku-" + i));
              }
            });

    assertTrue(e.getMessage().contains("at most 100 entries"), e.getMessage());
  }

  @Test
  void theLargestOrderTheLimitsAllowRoundTrips() {
    List<OrderItem> items = new ArrayList<>();
    for (int i = 0; i < EventLimits.MAX_ITEMS; i++) {
      items.add(
          new OrderItem(
              "p".repeat(EventLimits.MAX_ID_CHARS - 3) + String.format("%03d", i),
              EventLimits.MAX_QUANTITY,
              new BigDecimal("999999999999999.999999")));
    }
    EventEnvelope event =
        EventEnvelope.first(OrderCreated.of(UUID.randomUUID().toString(), "c", items), "producer");

    assertEquals(event, codec.decode(codec.encode(event)));
  }

  @Test
  void theRecordsRefuseWhatTheCodecRefuses() {
    assertThrows(IllegalArgumentException.class, () -> new OrderItem("sku\u001b", 1, null));
    assertThrows(
        IllegalArgumentException.class, () -> new OrderItem("sku-1", 1, new BigDecimal("1e400")));
    assertThrows(
        IllegalArgumentException.class, () -> new OrderShipped("o-1", "s-1", "DHL", "T\n1"));
    assertThrows(IllegalArgumentException.class, () -> EventLimits.requireProductId("a b"));
    assertDoesNotThrow(() -> EventLimits.requireProductId("sku-1/blue_XL.2"));
  }

  @Test
  void aLegacyOrderWithAnEscapeInItsProductIsInvalid() {
    byte[] body =
        ("{\"type\":\"OrderCreated\",\"data\":{\"order_id\":\"o-1\",\"user_id\":7,"
                + "\"product_id\":\"sku\\u001b[31m\",\"quantity\":1}}")
            .getBytes(StandardCharsets.UTF_8);

    InvalidEventException e = assertThrows(InvalidEventException.class, () -> codec.decode(body));

    assertTrue(e.getMessage().contains("productId"), e.getMessage());
    assertSafeLine(e.getMessage());
  }

  @Test
  void aHugeEventIdWithANewlineGivesOneShortSafeMessage() {
    String eventId = "x\nINFO forged line " + "y".repeat(200_000);

    InvalidEventException e = invalid(root -> root.put("eventId", eventId));

    assertEquals("eventId", e.field());
    assertSafeLine(e.getMessage());
    assertTrue(e.getMessage().length() < 600, "message of " + e.getMessage().length());
  }

  @Test
  void aForgedEventTypeIsQuotedEscaped() {
    InvalidEventException e = invalid(root -> root.put("eventType", "Nope\r\nFAKE\u001b[0m"));

    assertEquals("eventType", e.field());
    assertSafeLine(e.getMessage());
  }

  private static void assertSafeLine(String text) {
    assertFalse(text.chars().anyMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f)), text);
  }

  private static ObjectNode payload(ObjectNode root) {
    return (ObjectNode) root.get("payload");
  }

  private static ObjectNode firstItem(ObjectNode root) {
    return (ObjectNode) payload(root).get("items").get(0);
  }

  private InvalidEventException invalid(Consumer<ObjectNode> damage) {
    OrderCreated order =
        OrderCreated.of(
            UUID.randomUUID().toString(),
            "customer-7",
            List.of(new OrderItem("sku-1", 2, new BigDecimal("19.99"))));
    try {
      ObjectNode root =
          (ObjectNode)
              EventCodec.mapper().readTree(codec.encode(EventEnvelope.first(order, "producer")));
      damage.accept(root);
      byte[] body = EventCodec.mapper().writeValueAsBytes(root);
      return assertThrows(InvalidEventException.class, () -> codec.decode(body));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
