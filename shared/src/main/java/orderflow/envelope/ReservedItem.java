package orderflow.envelope;

/** A quantity of one product held for an order. */
public record ReservedItem(String productId, int quantity) {
  public ReservedItem {
    Require.productId(productId, "productId");
    Require.positive(quantity, "quantity");
  }
}
