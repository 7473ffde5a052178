package orderflow.envelope;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.util.List;

/** Version 3; without an address it writes the same payload (and digest) as version 2. */
public record OrderCreated(
    String orderId,
    String customerId,
    List<OrderItem> items,
    BigDecimal totalAmount,
    @JsonInclude(JsonInclude.Include.NON_NULL) ShippingAddress shippingAddress)
    implements EventPayload {
  public OrderCreated {
    Require.id(orderId, "orderId");
    Require.id(customerId, "customerId");
    items = Require.nonEmpty(items, "items");
    if (totalAmount == null) {
      throw new IllegalArgumentException("totalAmount must be a decimal number");
    }
    Require.money(totalAmount, "totalAmount", EventLimits.TOTAL_LIMIT);
    Require.sealed(shippingAddress);
  }

  public static OrderCreated of(String orderId, String customerId, List<OrderItem> items) {
    return of(orderId, customerId, items, null);
  }

  public static OrderCreated of(
      String orderId, String customerId, List<OrderItem> items, ShippingAddress shippingAddress) {
    BigDecimal total =
        items.stream().map(OrderItem::lineTotal).reduce(BigDecimal.ZERO, BigDecimal::add);
    return new OrderCreated(orderId, customerId, items, total, shippingAddress);
  }
}
