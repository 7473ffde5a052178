package orderflow.orderservice;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * Where a page of {@code GET /orders} ended: the last order's first-event time and id, in the
 * list's order (newest first, then by id). Opaque to clients (base64url). Immutable.
 */
record OrderCursor(long firstEventAtMillis, String orderId) {
  OrderCursor {
    Objects.requireNonNull(orderId, "orderId");
  }

  static OrderCursor after(OrderState last) {
    return new OrderCursor(last.firstEventAt().toEpochMilli(), last.orderId());
  }

  String encode() {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((firstEventAtMillis + ":" + orderId).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * @throws InvalidRequestException naming {@code cursor} when it is not one of ours
   */
  static OrderCursor decode(String text) {
    try {
      String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
      int colon = plain.indexOf(':');
      if (colon <= 0 || colon == plain.length() - 1) {
        throw new IllegalArgumentException("no separator");
      }
      return new OrderCursor(Long.parseLong(plain.substring(0, colon)), plain.substring(colon + 1));
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(
          "cursor", "cursor: not a cursor this API gave (pass nextCursor as it was)");
    }
  }
}
