package orderflow.envelope;

/** Shipping accepted a cancellation: the order never ships; inventory releases its stock. */
public record ShipmentCancelled(String orderId, String reason) implements EventPayload {
  public ShipmentCancelled {
    Require.id(orderId, "orderId");
    Require.reason(reason, "reason");
  }
}
