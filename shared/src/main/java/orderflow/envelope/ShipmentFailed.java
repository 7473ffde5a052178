package orderflow.envelope;

/**
 * Shipping refused a reserved order for a business reason (e.g. no carrier serves its destination):
 * the order ends failed, and inventory releases its reservation. A business outcome, not a dead
 * letter.
 */
public record ShipmentFailed(String orderId, String reason) implements EventPayload {
  public ShipmentFailed {
    Require.id(orderId, "orderId");
    Require.reason(reason, "reason");
  }
}
