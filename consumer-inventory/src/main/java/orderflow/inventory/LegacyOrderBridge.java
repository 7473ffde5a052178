package orderflow.inventory;

import java.util.List;
import java.util.Map;
import orderflow.consume.ServiceDefinition;
import orderflow.envelope.EventType;
import orderflow.topology.Topology;

/**
 * Bridges the legacy queue {@code order_events} into the event flow, as a second service beside
 * inventory: each {@code OrderCreated} there (version 1, upcast by the codec, or current) is
 * recorded in its inbox and emitted through the outbox in one transaction. A version 1 message's id
 * derives from its order id, so a redelivery is a duplicate. Failures dead-letter to {@code
 * inventory.dlq} or retry through inventory's retry queues.
 */
public final class LegacyOrderBridge {
  /** The inbox and the {@code x-consumer} header of its dead letters. */
  public static final String CONSUMER_NAME = "inventory-legacy-bridge";

  private LegacyOrderBridge() {}

  public static ServiceDefinition definition() {
    return new ServiceDefinition(
        CONSUMER_NAME,
        Topology.LEGACY_QUEUE,
        Map.of(EventType.ORDER_CREATED, (event, context) -> context.emit(event.payload())),
        List.of(),
        Topology.INVENTORY_QUEUE);
  }
}
