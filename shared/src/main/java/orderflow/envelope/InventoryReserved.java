package orderflow.envelope;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Every item of the order is held; nothing of it can be sold twice. {@code shippingAddress} is the
 * order's, its personal fields still encrypted, passed on so that shipping can decide without
 * reading the order (an optional field added without a new version: absent, it is null, and a
 * reader that does not know it ignores it).
 */
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

  /** A reservation for an order without a shipping address. */
  public InventoryReserved(String orderId, String reservationId, List<ReservedItem> items) {
    this(orderId, reservationId, items, null);
  }
}
