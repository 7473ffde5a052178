package orderflow.envelope;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.util.List;

/**
 * Version 3 payload of {@code OrderCreated}: at most {@link EventLimits#MAX_ITEMS} lines, each
 * checked by {@link OrderItem}, and an optional shipping address whose personal fields are
 * encrypted ({@link ShippingAddress#isSealed}). Version 2 had no address; it is upcast to this
 * record with none ({@link OrderCreatedUpcaster}), and an order without one is written without the
 * field, so its payload (and digest) is the same as in version 2.
 */
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

  /** An order without a shipping address (as every order of version 2 was). */
  public OrderCreated(
      String orderId, String customerId, List<OrderItem> items, BigDecimal totalAmount) {
    this(orderId, customerId, items, totalAmount, null);
  }

  /** An order whose total is the sum of its lines, without a shipping address. */
  public static OrderCreated of(String orderId, String customerId, List<OrderItem> items) {
    return of(orderId, customerId, items, null);
  }

  /** An order whose total is the sum of its lines. */
  public static OrderCreated of(
      String orderId, String customerId, List<OrderItem> items, ShippingAddress shippingAddress) {
    BigDecimal total =
        items.stream().map(OrderItem::lineTotal).reduce(BigDecimal.ZERO, BigDecimal::add);
    return new OrderCreated(orderId, customerId, items, total, shippingAddress);
  }
}
