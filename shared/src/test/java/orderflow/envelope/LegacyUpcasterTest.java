package orderflow.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LegacyUpcasterTest {
  private final EventCodec codec = new EventCodec();

  private EventEnvelope decode(String json) {
    return codec.decode(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void seedOrderCreatedIsUpcastToVersionTwoWithOneUnpricedItem() {
    EventEnvelope event =
        decode(
            "{\"type\":\"OrderCreated\",\"data\":{\"order_id\":\"o-1\",\"user_id\":\"u-9\","
                + "\"product_id\":\"sku-3\",\"quantity\":4,\"status\":\"created\"}}");

    assertEquals(EventType.ORDER_CREATED, event.eventType());
    assertEquals(EventType.ORDER_CREATED.version(), event.metadata().version());
    assertEquals("o-1", event.metadata().correlationId());
    assertNull(event.metadata().causationId());
    OrderCreated order = event.payloadAs(OrderCreated.class);
    assertEquals("o-1", order.orderId());
    assertEquals("u-9", order.customerId());
    assertEquals(1, order.items().size());
    assertEquals("sku-3", order.items().get(0).productId());
    assertEquals(4, order.items().get(0).quantity());
    assertNull(order.items().get(0).price());
    assertEquals(0, BigDecimal.ZERO.compareTo(order.totalAmount()));
  }

  @Test
  void numericUserIdIsAccepted() {
    EventEnvelope event =
        decode(
            "{\"type\":\"OrderCreated\",\"data\":{\"order_id\":\"o-2\",\"user_id\":12345,"
                + "\"product_id\":\"sku-1\",\"quantity\":1,\"status\":\"created\"}}");

    assertEquals("12345", event.payloadAs(OrderCreated.class).customerId());
  }

  @Test
  void sameOrderIdGivesSameEventIdSoTheInboxAbsorbsRedelivery() {
    String seed =
        "{\"type\":\"OrderCreated\",\"data\":{\"order_id\":\"o-3\",\"user_id\":\"u\","
            + "\"product_id\":\"p\",\"quantity\":1,\"status\":\"created\"}}";
    String other = seed.replace("o-3", "o-4");

    assertEquals(decode(seed).eventId(), decode(seed).eventId());
    assertTrue(!decode(seed).eventId().equals(decode(other).eventId()));
  }

  @Test
  void otherVersionOneTypesAreRejected() {
    InvalidEventException e =
        assertThrows(
            InvalidEventException.class,
            () -> decode("{\"type\":\"OrderCancelled\",\"data\":{\"order_id\":\"o-5\"}}"));
    assertEquals("type", e.field());
  }

  @Test
  void fractionalLegacyQuantityIsRejected() {
    InvalidEventException e =
        assertThrows(
            InvalidEventException.class,
            () ->
                decode(
                    "{\"type\":\"OrderCreated\",\"data\":{\"order_id\":\"o-6\",\"user_id\":\"u\","
                        + "\"product_id\":\"p\",\"quantity\":2.5,\"status\":\"created\"}}"));
    assertEquals("data.quantity", e.field());
  }

  @Test
  void missingLegacyOrderIdIsNamed() {
    InvalidEventException e =
        assertThrows(
            InvalidEventException.class,
            () ->
                decode(
                    "{\"type\":\"OrderCreated\",\"data\":{\"user_id\":\"u\","
                        + "\"product_id\":\"p\",\"quantity\":1,\"status\":\"created\"}}"));
    assertEquals("data.order_id", e.field());
  }
}
