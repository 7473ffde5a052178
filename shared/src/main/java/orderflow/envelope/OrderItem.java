package orderflow.envelope;

import java.math.BigDecimal;

/**
 * One line of an order. {@code price} is the unit price, a decimal; it is null for orders upcast
 * from version 1, which carried none.
 */
public record OrderItem(String productId, int quantity, BigDecimal price) {
  public OrderItem {
    Require.text(productId, "productId");
    Require.positive(quantity, "quantity");
    Require.money(price, "price");
  }

  public BigDecimal lineTotal() {
    return price == null ? BigDecimal.ZERO : price.multiply(BigDecimal.valueOf(quantity));
  }
}
