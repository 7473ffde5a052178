package orderflow.envelope;

/**
 * The body of a domain event. Every implementation is an immutable record validated on creation.
 */
public sealed interface EventPayload
    permits OrderCreated,
        InventoryReserved,
        InventoryRejected,
        OrderShipped,
        OrderCancelled,
        CancellationRefused,
        ShipmentCancelled,
        ShipmentFailed,
        InventoryReleased,
        CustomerDataErased {

  /**
   * The order this event belongs to; it is also the saga's correlation id ({@link
   * CustomerDataErased}: the erasure's id).
   */
  String orderId();
}
