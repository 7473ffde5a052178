package orderflow.orderservice;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/** Where a page of {@code GET /orders} ended, in the list's order; opaque (base64url). */
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
