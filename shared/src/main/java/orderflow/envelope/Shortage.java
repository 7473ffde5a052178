package orderflow.envelope;

/** A product an order asked for more of than was available. */
public record Shortage(String productId, int requested, int available) {
  public Shortage {
    Require.productId(productId, "productId");
    Require.positive(requested, "requested");
    Require.notNegative(available, "available");
  }
}
