package orderflow.envelope;

import java.math.BigDecimal;
import java.util.List;

/**
 * Version 2 payload of {@code OrderCreated}: at most {@link EventLimits#MAX_ITEMS} lines, each
 * checked by {@link OrderItem}.
 */
public record OrderCreated(
    String orderId, String customerId, List<OrderItem> items, BigDecimal totalAmount)
    implements EventPayload {
  public OrderCreated {
    Require.id(orderId, "orderId");
    Require.id(customerId, "customerId");
    items = Require.nonEmpty(items, "items");
    if (totalAmount == null) {
      throw new IllegalArgumentException("totalAmount must be a decimal number");
    }
    Require.money(totalAmount, "totalAmount", EventLimits.TOTAL_LIMIT);
  }

  /** An order whose total is the sum of its lines. */
  public static OrderCreated of(String orderId, String customerId, List<OrderItem> items) {
    BigDecimal total =
        items.stream().map(OrderItem::lineTotal).reduce(BigDecimal.ZERO, BigDecimal::add);
    return new OrderCreated(orderId, customerId, items, total);
  }
}
