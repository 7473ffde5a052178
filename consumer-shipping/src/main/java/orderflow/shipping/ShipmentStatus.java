package orderflow.shipping;

/** Where a shipment is. This service hands every shipment to its carrier at once. */
enum ShipmentStatus {
  SHIPPED
}
