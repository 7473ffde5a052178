package orderflow.envelope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns the payload of a version 2 {@code OrderCreated} into one of version 3: version 3 only adds
 * the optional {@code shippingAddress}, so a version 2 order is a version 3 order without one. A
 * {@code shippingAddress} field in a version 2 message meant nothing in version 2 (unknown fields
 * are ignored), so it is dropped rather than read with version 3's meaning.
 *
 * <p>Stateless and thread-safe.
 */
final class OrderCreatedUpcaster {
  private OrderCreatedUpcaster() {}

  static JsonNode fromVersion2(JsonNode payload) {
    if (!payload.has("shippingAddress")) {
      return payload;
    }
    ObjectNode copy = ((ObjectNode) payload).deepCopy();
    copy.remove("shippingAddress");
    return copy;
  }
}
