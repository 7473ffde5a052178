package orderflow.orderservice;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;
import orderflow.envelope.CancellationRefused;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.InventoryRejected;
import orderflow.envelope.InventoryReleased;
import orderflow.envelope.InventoryReserved;
import orderflow.envelope.OrderCancelled;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.OrderItem;
import orderflow.envelope.OrderShipped;
import orderflow.envelope.ReservedItem;
import orderflow.envelope.ShipmentCancelled;
import orderflow.envelope.ShipmentFailed;
import orderflow.envelope.Shortage;

/**
 * The events of one order's saga, linked by correlation and causation as the services link them.
 */
public final class SagaEvents {
  public final EventEnvelope created;
  public final EventEnvelope reserved;
  public final EventEnvelope shipped;
  public final EventEnvelope rejected;
  public final EventEnvelope cancelRequested;
  public final EventEnvelope shipmentCancelled;
  public final EventEnvelope cancellationRefused;
  public final EventEnvelope shipmentFailed;
  public final EventEnvelope released;

  public SagaEvents(String customer) {
    String orderId = UUID.randomUUID().toString();
    created =
        EventEnvelope.first(
            OrderCreated.of(
                orderId, customer, List.of(new OrderItem("sku-1", 2, new BigDecimal("9.99")))),
            "producer");
    reserved =
        EventEnvelope.causedBy(
            created,
            new InventoryReserved(
                orderId, UUID.randomUUID().toString(), List.of(new ReservedItem("sku-1", 2))),
            "inventory");
    shipped =
        EventEnvelope.causedBy(
            reserved,
            new OrderShipped(orderId, "shipment-1", "DHL", "DHL0123456789abcdef"),
            "shipping");
    rejected =
        EventEnvelope.causedBy(
            created,
            new InventoryRejected(orderId, List.of(new Shortage("sku-1", 2, 1))),
            "inventory");
    cancelRequested =
        EventEnvelope.first(new OrderCancelled(orderId, "customer changed their mind"), "producer");
    shipmentCancelled =
        EventEnvelope.causedBy(
            cancelRequested,
            new ShipmentCancelled(orderId, "customer changed their mind"),
            "shipping");
    cancellationRefused =
        EventEnvelope.causedBy(
            cancelRequested,
            new CancellationRefused(orderId, "already shipped: shipment shipment-1"),
            "shipping");
    shipmentFailed =
        EventEnvelope.causedBy(
            reserved, new ShipmentFailed(orderId, "no carrier serves AQ"), "shipping");
    released =
        EventEnvelope.causedBy(
            shipmentCancelled,
            new InventoryReleased(
                orderId,
                reserved.payloadAs(InventoryReserved.class).reservationId(),
                List.of(new ReservedItem("sku-1", 2)),
                "customer changed their mind"),
            "inventory");
  }

  public String orderId() {
    return created.payload().orderId();
  }

  public List<EventEnvelope> shippedSaga() {
    return List.of(created, reserved, shipped);
  }
}
