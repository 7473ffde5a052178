package orderflow.envelope;

import java.util.List;

/** Every item of the order is held; nothing of it can be sold twice. */
public record InventoryReserved(String orderId, String reservationId, List<ReservedItem> items)
    implements EventPayload {
  public InventoryReserved {
    Require.id(orderId, "orderId");
    Require.id(reservationId, "reservationId");
    items = Require.nonEmpty(items, "items");
  }
}
