package orderflow.shipping;

import orderflow.envelope.EventPayload;
import orderflow.envelope.ShipmentCancelled;
import orderflow.envelope.ShipmentFailed;

/** The event that announces an order's unshipped outcome again, for a late or repeated event. */
final class OutcomeEvents {
  private OutcomeEvents() {}

  /**
   * @throws IllegalArgumentException for a shipped order, which is announced with its shipment
   */
  static EventPayload of(String orderId, OrderOutcomes.Decision decision) {
    return switch (decision.outcome()) {
      case CANCELLED -> new ShipmentCancelled(orderId, decision.reason());
      case FAILED -> new ShipmentFailed(orderId, decision.reason());
      case SHIPPED ->
          throw new IllegalArgumentException(
              "order " + orderId + " shipped: announce its shipment");
    };
  }
}
