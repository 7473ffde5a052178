package orderflow.envelope;

/** A shipment was created for a reserved order. */
public record OrderShipped(String orderId, String shipmentId, String carrier, String trackingNumber)
    implements EventPayload {
  public OrderShipped {
    Require.text(orderId, "orderId");
    Require.text(shipmentId, "shipmentId");
    Require.text(carrier, "carrier");
    Require.text(trackingNumber, "trackingNumber");
  }
}
