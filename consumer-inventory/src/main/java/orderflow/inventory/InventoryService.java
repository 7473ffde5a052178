package orderflow.inventory;

import java.util.List;
import java.util.Map;
import orderflow.consume.ServiceDefinition;
import orderflow.envelope.EventType;
import orderflow.topology.Topology;

/** What the inventory service is, for the consumer runtime. */
public final class InventoryService {
  public static final String NAME = "inventory";

  /** The legacy bridge's inbox and the {@code x-consumer} header of its dead letters. */
  public static final String LEGACY_BRIDGE = "inventory-legacy-bridge";

  private InventoryService() {}

  /** One handler for every event, so one batch locks all its products in one order. */
  public static ServiceDefinition definition(int defaultStock) {
    InventoryHandler handler = new InventoryHandler(defaultStock);
    return new ServiceDefinition(
        NAME,
        Topology.INVENTORY_QUEUE,
        Map.of(
            EventType.ORDER_CREATED, handler,
            EventType.SHIPMENT_CANCELLED, handler,
            EventType.SHIPMENT_FAILED, handler),
        List.of(legacyBridge()));
  }

  /**
   * Each {@code OrderCreated} on {@code order_events} (version 1 upcast by the codec) recorded in
   * the bridge's own inbox and emitted through the outbox; failures use inventory's retry queues.
   */
  public static ServiceDefinition legacyBridge() {
    return new ServiceDefinition(
        LEGACY_BRIDGE,
        Topology.LEGACY_QUEUE,
        Map.of(EventType.ORDER_CREATED, (event, context) -> context.emit(event.payload())),
        List.of(),
        Topology.INVENTORY_QUEUE);
  }
}
