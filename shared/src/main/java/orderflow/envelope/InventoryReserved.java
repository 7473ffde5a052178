package orderflow.envelope;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** Every item of the order is held; the address (still encrypted) is passed on to shipping. */
public record InventoryReserved(
    String orderId,
    String reservationId,
    List<ReservedItem> items,
    @JsonInclude(JsonInclude.Include.NON_NULL) ShippingAddress shippingAddress)
    implements EventPayload {
  public InventoryReserved {
    Require.id(orderId, "orderId");
    Require.id(reservationId, "reservationId");
    items = Require.nonEmpty(items, "items");
    Require.sealed(shippingAddress);
  }

  public InventoryReserved(String orderId, String reservationId, List<ReservedItem> items) {
    this(orderId, reservationId, items, null);
  }
}
