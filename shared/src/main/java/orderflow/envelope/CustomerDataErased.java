package orderflow.envelope;

/** A customer's data key is destroyed; the erasure's id stands in for the order's. */
public record CustomerDataErased(String erasureId, String customerId) implements EventPayload {
  public CustomerDataErased {
    Require.id(erasureId, "erasureId");
    Require.id(customerId, "customerId");
  }

  @Override
  public String orderId() {
    return erasureId;
  }
}
