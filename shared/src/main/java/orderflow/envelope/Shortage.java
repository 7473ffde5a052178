package orderflow.envelope;

/** A product an order asked for more of than was available. */
public record Shortage(String productId, int requested, int available) {
  public Shortage {
    Require.productId(productId, "productId");
    Require.between(requested, "requested", 1, Integer.MAX_VALUE);
    Require.between(available, "available", 0, Integer.MAX_VALUE);
  }
}
