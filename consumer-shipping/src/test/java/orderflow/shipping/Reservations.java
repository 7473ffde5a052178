package orderflow.shipping;

import java.util.Arrays;
import java.util.UUID;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.InventoryReserved;
import orderflow.envelope.ReservedItem;

/** InventoryReserved events as consumer-inventory emits them, for tests. */
final class Reservations {
  private Reservations() {}

  static EventEnvelope reserved(String orderId, ReservedItem... items) {
    // Arrays.asList, not List.of: the payload's null check calls contains(null), which List.of
    // rejects with a NullPointerException.
    return EventEnvelope.first(
        new InventoryReserved(orderId, "res-" + UUID.randomUUID(), Arrays.asList(items)),
        "inventory");
  }

  static String newOrderId() {
    return "order-" + UUID.randomUUID();
  }
}
