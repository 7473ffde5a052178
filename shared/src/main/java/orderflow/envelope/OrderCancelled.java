package orderflow.envelope;

/**
 * A customer or an operator asked to cancel the order. A request, not yet an outcome: shipping
 * decides (docs/architecture.md section 2), answering {@link ShipmentCancelled} if the order has
 * not shipped, {@link CancellationRefused} if it has.
 */
public record OrderCancelled(String orderId, String reason) implements EventPayload {
  public OrderCancelled {
    Require.id(orderId, "orderId");
    Require.reason(reason, "reason");
  }
}
