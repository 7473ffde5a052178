package orderflow.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class EventCodecTest {
  private final EventCodec codec = new EventCodec();

  private static OrderCreated order() {
    return OrderCreated.of(
        UUID.randomUUID().toString(),
        "customer-7",
        Arrays.asList(
            new OrderItem("sku-1", 2, new BigDecimal("19.99")),
            new OrderItem("sku-2", 3, new BigDecimal("0.10"))));
  }

  @Test
  void orderCreatedRoundTripsWithEveryFieldAndExactDecimals() {
    EventEnvelope event = EventEnvelope.first(order(), "producer");

    byte[] body = codec.encode(event);
    EventEnvelope decoded = codec.decode(body);

    assertEquals(event, decoded);
    OrderCreated payload = decoded.payloadAs(OrderCreated.class);
    assertEquals(new BigDecimal("40.28"), payload.totalAmount());
    assertEquals(new BigDecimal("0.10"), payload.items().get(1).price());
    String json = new String(body, StandardCharsets.UTF_8);
    assertTrue(json.contains("\"price\":19.99"), json);
    assertTrue(json.contains("\"totalAmount\":40.28"), json);
    assertEquals("3", decoded.metadata().version());
    assertEquals(payload.orderId(), decoded.metadata().correlationId());
    assertNull(decoded.metadata().causationId());
  }

  @Test
  void wholeAmountsKeepTheirScaleAndNeverBecomeExponents() {
    OrderCreated order =
        OrderCreated.of(
            "o-10", "c", Arrays.asList(new OrderItem("sku-1", 1, new BigDecimal("10.00"))));

    byte[] body = codec.encode(EventEnvelope.first(order, "producer"));

    String json = new String(body, StandardCharsets.UTF_8);
    assertTrue(json.contains("\"price\":10.00"), json);
    assertEquals(
        new BigDecimal("10.00"), codec.decode(body).payloadAs(OrderCreated.class).totalAmount());
  }

  @Test
  void immutableItemListsAreAccepted() {
    OrderCreated order =
        OrderCreated.of("o-11", "c", java.util.List.of(new OrderItem("sku-1", 1, null)));

    assertEquals(1, order.items().size());
  }

  @Test
  void inventoryReservedRoundTripsWithCausation() {
    EventEnvelope cause = EventEnvelope.first(order(), "producer");
    EventEnvelope event =
        EventEnvelope.causedBy(
            cause,
            new InventoryReserved(
                cause.payload().orderId(),
                "res-1",
                Arrays.asList(new ReservedItem("sku-1", 2), new ReservedItem("sku-2", 3))),
            "consumer-inventory");

    EventEnvelope decoded = codec.decode(codec.encode(event));

    assertEquals(event, decoded);
    assertEquals(cause.eventId().toString(), decoded.metadata().causationId());
    assertEquals(cause.metadata().correlationId(), decoded.metadata().correlationId());
  }

  @Test
  void inventoryRejectedAndOrderShippedRoundTrip() {
    EventEnvelope cause = EventEnvelope.first(order(), "producer");
    String orderId = cause.payload().orderId();
    java.util.List<EventPayload> answers =
        java.util.List.of(
            new InventoryRejected(orderId, Arrays.asList(new Shortage("sku-1", 2, 0))),
            new OrderShipped(orderId, "ship-1", "DHL", "TRACK-123"));
    for (EventPayload answer : answers) {
      EventEnvelope event = EventEnvelope.causedBy(cause, answer, "consumer");
      assertEquals(event, codec.decode(codec.encode(event)));
    }
  }

  @Test
  void anOrderWithAnEncryptedShippingAddressRoundTripsAsVersionThree() {
    String sealed = "enc1.key-1." + "x".repeat(40);
    OrderCreated order =
        OrderCreated.of(
            "o-12",
            "c",
            java.util.List.of(new OrderItem("sku-1", 1, BigDecimal.ONE)),
            new ShippingAddress(sealed, null, sealed, "NL"));
    EventEnvelope event = EventEnvelope.first(order, "producer");

    EventEnvelope decoded = codec.decode(codec.encode(event));

    assertEquals(event, decoded);
    assertEquals("NL", decoded.payloadAs(OrderCreated.class).shippingAddress().country());
  }

  @Test
  void anAddressInClearIsRefusedInEveryEventAndNeverQuoted() {
    ShippingAddress clear = new ShippingAddress("Damrak 1", "Amsterdam", null, "NL");
    java.util.List<OrderItem> items = java.util.List.of(new OrderItem("sku-1", 1, BigDecimal.ONE));
    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> OrderCreated.of("o", "c", items, clear));
    assertFalse(refused.getMessage().contains("Damrak"), refused.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new InventoryReserved(
                "o", "r", java.util.List.of(new ReservedItem("sku-1", 1)), clear));
    EventEnvelope order =
        EventEnvelope.first(OrderCreated.of("o", "c", items, ShippingAddress.country("NL")), "p");
    InvalidEventException invalid =
        assertThrows(
            InvalidEventException.class,
            () ->
                codec.decode(
                    rewrite(
                        order,
                        root ->
                            ((ObjectNode) root.get("payload").get("shippingAddress"))
                                .put("street", "Secret Lane 7\u0007"))));
    assertFalse(invalid.getMessage().contains("Secret"), invalid.getMessage());
  }

  @Test
  void aVersionTwoOrderIsUpcastToVersionThreeWithoutAnAddressAndKeepsItsDigest() {
    EventEnvelope current = EventEnvelope.first(order(), "producer");
    byte[] version2 =
        rewrite(
            current,
            root -> {
              ((ObjectNode) root.get("metadata")).put("version", "2");
              // Meaningless in version 2: ignored, never read as version 3's address.
              ((ObjectNode) root.get("payload")).putObject("shippingAddress").put("country", "AQ");
            });

    EventEnvelope decoded = codec.decode(version2);

    assertEquals("3", decoded.metadata().version());
    assertNull(decoded.payloadAs(OrderCreated.class).shippingAddress());
    assertEquals(current.payload(), decoded.payload());
    // An inbox that recorded the version 2 event before the upgrade sees a repeat, not a conflict.
    assertEquals(PayloadDigest.of(current), PayloadDigest.of(decoded));
    assertTrue(!new String(codec.encode(decoded), StandardCharsets.UTF_8).contains("shipping"));
  }

  @Test
  void onlyOrderCreatedIsReadAtVersionTwoAndThree() {
    EventEnvelope cancelled =
        EventEnvelope.first(new OrderCancelled("o-13", "no longer needed"), "p");
    InvalidEventException e =
        assertThrows(
            InvalidEventException.class,
            () ->
                codec.decode(
                    rewrite(
                        cancelled,
                        root -> ((ObjectNode) root.get("metadata")).put("version", "3"))));
    assertEquals("metadata.version", e.field());
  }

  @Test
  void theSagasBackwardEventsRoundTrip() {
    EventEnvelope cancel = EventEnvelope.first(new OrderCancelled("o-14", "customer asked"), "p");
    java.util.List<EventPayload> answers =
        java.util.List.of(
            new CancellationRefused("o-14", "already shipped"),
            new ShipmentCancelled("o-14", "customer asked"),
            new ShipmentFailed("o-14", "no carrier serves AQ"),
            new InventoryReleased(
                "o-14", "res-1", java.util.List.of(new ReservedItem("sku-1", 2)), "cancelled"));
    assertEquals(cancel, codec.decode(codec.encode(cancel)));
    for (EventPayload answer : answers) {
      EventEnvelope event = EventEnvelope.causedBy(cancel, answer, "s");
      assertEquals(event, codec.decode(codec.encode(event)));
    }
  }

  @Test
  void aReasonMustBeShortPrintableText() {
    IllegalArgumentException blank =
        assertThrows(IllegalArgumentException.class, () -> new OrderCancelled("o", " "));
    assertEquals("reason must be a non-empty string", blank.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new OrderCancelled("o", "x".repeat(EventLimits.MAX_REASON_CHARS + 1)));
    assertThrows(IllegalArgumentException.class, () -> new OrderCancelled("o", "a\nb"));
    assertThrows(IllegalArgumentException.class, () -> ShippingAddress.country("nl"));
  }

  private static byte[] rewrite(EventEnvelope event, Consumer<ObjectNode> change) {
    try {
      ObjectNode root = (ObjectNode) EventCodec.mapper().readTree(new EventCodec().encode(event));
      change.accept(root);
      return EventCodec.mapper().writeValueAsBytes(root);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void malformedJsonIsInvalidBody() {
    InvalidEventException e =
        assertThrows(
            InvalidEventException.class,
            () -> codec.decode("{\"eventId\": ".getBytes(StandardCharsets.UTF_8)));
    assertEquals("body", e.field());
  }

  @Test
  void aDecimalWhoseExponentDoesNotFitIsInvalidBodyNotACrash() {
    InvalidEventException e =
        assertThrows(
            InvalidEventException.class,
            () -> codec.decode("{\"x\": 1e9999999999}".getBytes(StandardCharsets.UTF_8)));
    assertEquals("body", e.field());
  }

  @Test
  void emptyBodyIsInvalid() {
    InvalidEventException e =
        assertThrows(InvalidEventException.class, () -> codec.decode(new byte[0]));
    assertEquals("body", e.field());
  }

  @Test
  void oversizedBodyIsInvalidBeforeParsing() {
    EventCodec small = new EventCodec(100);
    byte[] body = codec.encode(EventEnvelope.first(order(), "producer"));

    InvalidEventException e = assertThrows(InvalidEventException.class, () -> small.decode(body));
    assertEquals("body", e.field());
    assertTrue(e.reason().contains("over the limit of 100"), e.reason());
  }

  @Test
  void missingEventIdIsNamed() {
    assertInvalid(root -> root.remove("eventId"), "eventId");
  }

  @Test
  void missingCustomerIdIsNamed() {
    InvalidEventException e =
        invalid(root -> ((ObjectNode) root.get("payload")).remove("customerId"));
    assertTrue(e.getMessage().contains("customerId"), e.getMessage());
    assertTrue(e.field().startsWith("payload"), e.field());
  }

  @Test
  void zeroQuantityIsInvalid() {
    InvalidEventException e = invalid(root -> firstItem(root).put("quantity", 0));
    assertTrue(e.getMessage().contains("quantity"), e.getMessage());
  }

  @Test
  void fractionalQuantityIsInvalid() {
    InvalidEventException e =
        invalid(root -> firstItem(root).put("quantity", new BigDecimal("2.5")));
    assertEquals("payload.items[0].quantity", e.field());
  }

  @Test
  void quantityAsStringIsInvalid() {
    InvalidEventException e = invalid(root -> firstItem(root).put("quantity", "2"));
    assertEquals("payload.items[0].quantity", e.field());
  }

  @Test
  void unknownEventTypeIsInvalid() {
    assertInvalid(root -> root.put("eventType", "OrderTeleported"), "eventType");
  }

  @Test
  void unknownVersionIsInvalid() {
    assertInvalid(
        root -> ((ObjectNode) root.get("metadata")).put("version", "4"), "metadata.version");
  }

  @Test
  void badTimestampIsInvalid() {
    assertInvalid(root -> root.put("timestamp", "yesterday"), "timestamp");
  }

  private static ObjectNode firstItem(ObjectNode root) {
    return (ObjectNode) root.get("payload").get("items").get(0);
  }

  private void assertInvalid(Consumer<ObjectNode> damage, String field) {
    assertEquals(field, invalid(damage).field());
  }

  private InvalidEventException invalid(Consumer<ObjectNode> damage) {
    try {
      ObjectNode root =
          (ObjectNode)
              EventCodec.mapper().readTree(codec.encode(EventEnvelope.first(order(), "producer")));
      damage.accept(root);
      byte[] body = EventCodec.mapper().writeValueAsBytes(root);
      return assertThrows(InvalidEventException.class, () -> codec.decode(body));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
