package orderflow.envelope;

import java.util.Arrays;
import java.util.Optional;

/** The domain events of the order saga, each with its routing key and payload type. */
public enum EventType {
  ORDER_CREATED("OrderCreated", "order.created", OrderCreated.class),
  INVENTORY_RESERVED("InventoryReserved", "inventory.reserved", InventoryReserved.class),
  INVENTORY_REJECTED("InventoryRejected", "inventory.rejected", InventoryRejected.class),
  ORDER_SHIPPED("OrderShipped", "order.shipped", OrderShipped.class);

  private final String wireName;
  private final String routingKey;
  private final Class<? extends EventPayload> payloadType;

  EventType(String wireName, String routingKey, Class<? extends EventPayload> payloadType) {
    this.wireName = wireName;
    this.routingKey = routingKey;
    this.payloadType = payloadType;
  }

  /** The name carried in {@code eventType} and in the AMQP {@code type} property. */
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
