package orderflow.orderservice;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where an order stands. A status only moves to one of equal or higher rank, so no late event takes
 * it back. {@code SHIPPED}, {@code CANCELLED} and {@code FAILED} are shipping's one decision per
 * order; {@code REJECTED} ranks above them since shipping cancels a rejected order it never got.
 */
public enum OrderStatus {
  CREATED(0),
  RESERVED(1),
  SHIPPED(2),
  CANCELLED(2),
  FAILED(2),
  REJECTED(3);

  private final int rank;

  OrderStatus(int rank) {
    this.rank = rank;
  }

  public boolean terminal() {
    return this != CREATED && this != RESERVED;
  }

  boolean mayMoveTo(OrderStatus next) {
    return next.rank >= rank;
  }

  /** Throws naming the accepted values. */
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
