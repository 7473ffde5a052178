package orderflow.envelope;

/** A quantity of one product held for an order. */
public record ReservedItem(String productId, int quantity) {
  public ReservedItem {
    Require.productId(productId, "productId");
    Require.between(quantity, "quantity", 1, Integer.MAX_VALUE);
  }
}
