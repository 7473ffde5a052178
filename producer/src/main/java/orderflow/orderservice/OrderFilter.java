package orderflow.orderservice;

import java.time.Instant;

/**
 * Which orders a list shows; a null criterion does not restrict. Immutable.
 *
 * @param since orders whose first event is at or after this instant
 * @param limit at most this many, newest first; 0 for no limit (the CLI only; the API pages)
 * @param after the page starts after this order, or null for the first page
 */
public record OrderFilter(
    String customerId, OrderStatus status, Instant since, int limit, OrderCursor after) {
  public static final int DEFAULT_LIMIT = 100;

  public OrderFilter {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative");
    }
  }

  public OrderFilter(String customerId, OrderStatus status, Instant since, int limit) {
    this(customerId, status, since, limit, null);
  }
}
