package orderflow.envelope;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Turns a version 1 event (seed 000's {@code {"type":"OrderCreated","data":{order_id, user_id,
 * product_id, quantity, status}}}) into an envelope of the current version: one item, no price, a
 * total of zero.
 *
 * <p>Version 1 carries no event id, so the id is derived from the order id: the same legacy message
 * upcast twice yields the same eventId, and the inbox absorbs the second.
 */
final class LegacyUpcaster {
  static final String LEGACY_SOURCE = "legacy-order-service";

  EventEnvelope upcast(JsonNode root) {
    String type = EventCodec.text(root, "type");
    if (!EventType.ORDER_CREATED.wireName().equals(type)) {
      throw new InvalidEventException(
          "type",
          "unknown version 1 event type '"
              + EventCodec.quoted(type)
              + "' (only OrderCreated is upcast)");
    }
    JsonNode data = EventCodec.object(root, "data");
    String orderId = EventCodec.text(data, "order_id", "data.order_id");
    String customerId = scalarText(data, "user_id");
    String productId = scalarText(data, "product_id");
    JsonNode quantity = data.get("quantity");
    if (quantity == null || !quantity.isIntegralNumber() || !quantity.canConvertToInt()) {
      throw new InvalidEventException("data.quantity", "must be an integer");
    }
    OrderCreated payload;
    try {
      payload =
          new OrderCreated(
              orderId,
              customerId,
              List.of(new OrderItem(productId, quantity.intValue(), null)),
              BigDecimal.ZERO);
    } catch (IllegalArgumentException e) {
      throw new InvalidEventException("data", e.getMessage(), e);
    }
    UUID eventId =
        UUID.nameUUIDFromBytes(("v1:OrderCreated:" + orderId).getBytes(StandardCharsets.UTF_8));
    return new EventEnvelope(
        eventId,
        EventType.ORDER_CREATED,
        Instant.now(),
        payload,
        new EventMetadata(LEGACY_SOURCE, EventType.ORDER_CREATED.version(), orderId, null));
  }

  /** The seed sends ids as strings or numbers ({@code user_id: 12345}); both are accepted. */
  private static String scalarText(JsonNode data, String name) {
    JsonNode node = data.get(name);
    if (node == null || node.isNull()) {
      throw new InvalidEventException("data." + name, "is missing");
    }
    if (!(node.isTextual() || node.isIntegralNumber()) || node.asText().isBlank()) {
      throw new InvalidEventException("data." + name, "must be a string or an integer");
    }
    return node.asText();
  }
}
