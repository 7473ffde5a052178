package orderflow.orders;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where an order stands. The rank orders the saga's steps: an order's status only moves to a step
 * of equal or higher rank, so no event can take it back (a late {@code OrderCreated} after {@code
 * OrderShipped} leaves it shipped).
 */
public enum OrderStatus {
  CREATED(0),
  RESERVED(1),
  REJECTED(1),
  SHIPPED(2),
  /** No event leads here yet; listed so that queries accept every status the design names. */
  CANCELLED(3),
  /** No event leads here yet; listed so that queries accept every status the design names. */
  FAILED(3);

  private final int rank;

  OrderStatus(int rank) {
    this.rank = rank;
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
