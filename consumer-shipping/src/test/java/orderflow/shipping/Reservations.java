package orderflow.shipping;

import java.util.List;
import java.util.UUID;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.InventoryReserved;
import orderflow.envelope.ReservedItem;

/** InventoryReserved events as consumer-inventory emits them, for tests. */
final class Reservations {
  private Reservations() {}

  static EventEnvelope reserved(String orderId, ReservedItem... items) {
    return EventEnvelope.first(
        new InventoryReserved(orderId, "res-" + UUID.randomUUID(), List.of(items)), "inventory");
  }

  static String newOrderId() {
    return "order-" + UUID.randomUUID();
  }
}
