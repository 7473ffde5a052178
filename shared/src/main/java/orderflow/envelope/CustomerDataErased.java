package orderflow.envelope;

/**
 * A customer's personal data was erased: their data key is destroyed, so every encrypted field of
 * theirs, in every copy of every event, reads as erased from now on (docs/architecture.md section
 * 3.1). An erasure belongs to no order: its own id stands in for the order's as the correlation id.
 */
public record CustomerDataErased(String erasureId, String customerId) implements EventPayload {
  public CustomerDataErased {
    Require.id(erasureId, "erasureId");
    Require.id(customerId, "customerId");
  }

  /** The erasure's id: the saga an erasure makes is itself. */
  @Override
  public String orderId() {
    return erasureId;
  }
}
