package orderflow.envelope;

import java.util.List;

/**
 * A reservation was given back: its items are available again (compensation for a cancelled or
 * failed shipment). Emitted once per reservation; a repeated release emits it again unchanged.
 */
public record InventoryReleased(
    String orderId, String reservationId, List<ReservedItem> items, String reason)
    implements EventPayload {
  public InventoryReleased {
    Require.id(orderId, "orderId");
    Require.id(reservationId, "reservationId");
    items = Require.nonEmpty(items, "items");
    Require.reason(reason, "reason");
  }
}
