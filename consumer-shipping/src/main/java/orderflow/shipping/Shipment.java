package orderflow.shipping;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** One shipment as stored: the order it carries, its carrier and tracking number, its items. */
record Shipment(
    String shipmentId,
    String orderId,
    String reservationId,
    String carrier,
    String trackingNumber,
    ShipmentStatus status,
    Instant createdAt,
    Instant updatedAt,
    List<Item> items) {
  Shipment {
    Objects.requireNonNull(shipmentId, "shipmentId");
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(reservationId, "reservationId");
    Objects.requireNonNull(carrier, "carrier");
    Objects.requireNonNull(trackingNumber, "trackingNumber");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    items = List.copyOf(items);
  }

  /** A quantity of one product in the parcel. */
  record Item(String productId, int quantity) {
    Item {
      Objects.requireNonNull(productId, "productId");
    }
  }
}
