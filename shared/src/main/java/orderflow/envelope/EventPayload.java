package orderflow.envelope;

/** The body of a domain event: an immutable record validated on creation. */
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

  String orderId();
}
