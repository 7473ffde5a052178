package orderflow.inventory;

import java.util.List;
import java.util.Map;
import orderflow.consume.ServiceDefinition;
import orderflow.envelope.EventType;
import orderflow.topology.Topology;

/**
 * Bridges seed 000's legacy queue {@code order_events} into the event flow, as a service of the
 * consumer runtime beside inventory: each message there (version 1 {@code {"type","data"}}, upcast
 * by the codec, or a current envelope) is recorded in its inbox and its {@code OrderCreated}
 * emitted through the outbox to the orders exchange, in one transaction, then acked. A version 1
 * message carries no id; the codec derives it from the order id, so a redelivery is a duplicate.
 * Anything else is dead-lettered to {@code inventory.dlq} (its headers name this consumer and the
 * legacy queue as origin), and a transient failure retries through inventory's retry queues, from
 * which inventory takes the message itself. A consumer lost with its queue (non-durable, gone after
 * a broker restart) subscribes again, declaring the queue.
 */
public final class LegacyOrderBridge {
  /** The inbox and the {@code x-consumer} header of its dead letters. */
  public static final String CONSUMER_NAME = "inventory-legacy-bridge";

  private LegacyOrderBridge() {}

  public static ServiceDefinition definition() {
    return new ServiceDefinition(
        CONSUMER_NAME,
        Topology.LEGACY_QUEUE,
        List.of(),
        Map.of(EventType.ORDER_CREATED, (event, context) -> context.emit(event.payload())),
        List.of(),
        Topology.INVENTORY_QUEUE);
  }
}
