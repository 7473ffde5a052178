package orderflow.orderservice;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Which orders a list shows, newest first; a null criterion does not restrict, a {@code limit} of 0
 * neither (the CLI only); {@code after} is the previous page's last order.
 */
public record OrderFilter(
    String customerId, OrderStatus status, Instant since, int limit, Cursor after) {
  public static final int DEFAULT_LIMIT = 100;

  /** Where a page of {@code GET /orders} ended, in the list's order; opaque (base64url). */
  record Cursor(long firstEventAtMillis, String orderId) {
    static Cursor after(OrderState last) {
      return new Cursor(last.firstEventAt().toEpochMilli(), last.orderId());
    }

    String encode() {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString((firstEventAtMillis + ":" + orderId).getBytes(StandardCharsets.UTF_8));
    }

    /** Throws IllegalArgumentException for any text {@link #encode} did not make. */
    static Cursor decode(String text) {
      String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
      int colon = plain.indexOf(':');
      if (colon <= 0 || colon == plain.length() - 1) {
        throw new IllegalArgumentException("no separator");
      }
      return new Cursor(Long.parseLong(plain.substring(0, colon)), plain.substring(colon + 1));
    }
  }
}
