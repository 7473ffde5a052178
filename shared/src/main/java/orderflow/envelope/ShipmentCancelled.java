package orderflow.envelope;

/**
 * Shipping accepted a cancellation: the order will never ship, whatever arrives later. Inventory
 * releases what it holds for the order (or, if it has not reserved yet, never will).
 */
public record ShipmentCancelled(String orderId, String reason) implements EventPayload {
  public ShipmentCancelled {
    Require.id(orderId, "orderId");
    Require.reason(reason, "reason");
  }
}
