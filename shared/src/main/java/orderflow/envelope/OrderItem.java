package orderflow.envelope;

import java.math.BigDecimal;

/** One line of an order; {@code price} is null for orders upcast from version 1. */
public record OrderItem(String productId, int quantity, BigDecimal price) {
  public OrderItem {
    Require.productId(productId, "productId");
    Require.between(quantity, "quantity", 1, EventLimits.MAX_QUANTITY);
    Require.money(price, "price", EventLimits.PRICE_LIMIT);
  }

  public BigDecimal lineTotal() {
    return price == null ? BigDecimal.ZERO : price.multiply(BigDecimal.valueOf(quantity));
  }
}
