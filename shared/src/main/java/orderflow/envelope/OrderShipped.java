package orderflow.envelope;

/** A shipment was created for a reserved order. */
public record OrderShipped(String orderId, String shipmentId, String carrier, String trackingNumber)
    implements EventPayload {
  public OrderShipped {
    Require.id(orderId, "orderId");
    Require.id(shipmentId, "shipmentId");
    Require.id(carrier, "carrier");
    Require.id(trackingNumber, "trackingNumber");
  }
}
