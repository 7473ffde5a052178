package orderflow.orderservice;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where an order stands. The rank orders the saga's steps: an order's status only moves to a step
 * of equal or higher rank, so no event can take it back (a late {@code OrderCreated} after {@code
 * OrderShipped} leaves it shipped). The end states: {@code SHIPPED}, {@code CANCELLED} and {@code
 * FAILED} are shipping's one decision per order, so no order reaches two of them; {@code REJECTED}
 * ranks above them because a cancellation of a rejected order (shipping cancels what it never
 * received) does not change how the order ended.
 */
public enum OrderStatus {
  CREATED(0),
  RESERVED(1),
  SHIPPED(2),
  /** Shipping accepted a cancellation: the order never ships, its stock is released. */
  CANCELLED(2),
  /** Shipping refused the order for a business reason; its stock is released. */
  FAILED(2),
  REJECTED(3);

  private final int rank;

  OrderStatus(int rank) {
    this.rank = rank;
  }

  /** True for the statuses an order ends in. */
  public boolean terminal() {
    return this != CREATED && this != RESERVED;
  }

  /** True when an order in this status may move to {@code next}. */
  boolean mayMoveTo(OrderStatus next) {
    return next.rank >= rank;
  }

  /**
   * @throws IllegalArgumentException naming the accepted values
   */
  public static OrderStatus parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "must be one of "
              + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")),
          e);
    }
  }
}
