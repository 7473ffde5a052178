package orderflow.envelope;

import java.util.Arrays;
import java.util.Optional;

/** The saga's event types, each with routing key, payload type and the version this code writes. */
public enum EventType {
  ORDER_CREATED("OrderCreated", "order.created", OrderCreated.class, "3"),
  INVENTORY_RESERVED("InventoryReserved", "inventory.reserved", InventoryReserved.class, "2"),
  INVENTORY_REJECTED("InventoryRejected", "inventory.rejected", InventoryRejected.class, "2"),
  ORDER_SHIPPED("OrderShipped", "order.shipped", OrderShipped.class, "2"),
  ORDER_CANCELLED("OrderCancelled", "order.cancelled", OrderCancelled.class, "2"),
  CANCELLATION_REFUSED(
      "CancellationRefused", "order.cancellation-refused", CancellationRefused.class, "2"),
  SHIPMENT_CANCELLED("ShipmentCancelled", "shipment.cancelled", ShipmentCancelled.class, "2"),
  SHIPMENT_FAILED("ShipmentFailed", "shipment.failed", ShipmentFailed.class, "2"),
  INVENTORY_RELEASED("InventoryReleased", "inventory.released", InventoryReleased.class, "2"),
  CUSTOMER_DATA_ERASED("CustomerDataErased", "customer.data-erased", CustomerDataErased.class, "2");

  private final String wireName;
  private final String routingKey;
  private final Class<? extends EventPayload> payloadType;
  private final String version;

  EventType(
      String wireName, String routingKey, Class<? extends EventPayload> type, String version) {
    this.wireName = wireName;
    this.routingKey = routingKey;
    this.payloadType = type;
    this.version = version;
  }

  public String version() {
    return version;
  }

  public boolean reads(String candidate) {
    return version.equals(candidate) || (this == ORDER_CREATED && "2".equals(candidate));
  }

  public String wireName() {
    return wireName;
  }

  public String routingKey() {
    return routingKey;
  }

  public Class<? extends EventPayload> payloadType() {
    return payloadType;
  }

  public static Optional<EventType> fromWireName(String name) {
    return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
  }

  public static EventType of(EventPayload payload) {
    return Arrays.stream(values())
        .filter(t -> t.payloadType.isInstance(payload))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no event type for " + payload));
  }

  @Override
  public String toString() {
    return wireName;
  }
}
