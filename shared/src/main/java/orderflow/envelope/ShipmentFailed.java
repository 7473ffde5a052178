package orderflow.envelope;

/** Shipping refused a reserved order for a business reason; inventory releases it. */
public record ShipmentFailed(String orderId, String reason) implements EventPayload {
  public ShipmentFailed {
    Require.id(orderId, "orderId");
    Require.reason(reason, "reason");
  }
}
