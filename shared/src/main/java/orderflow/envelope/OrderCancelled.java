package orderflow.envelope;

/**
 * A request to cancel; shipping decides ({@link ShipmentCancelled} or {@link CancellationRefused}).
 */
public record OrderCancelled(String orderId, String reason) implements EventPayload {
  public OrderCancelled {
    Require.id(orderId, "orderId");
    Require.reason(reason, "reason");
  }
}
