package orderflow.envelope;

import java.util.List;

/** A reservation was given back (compensation); a repeated release emits it again unchanged. */
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
