package orderflow.inventory;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DeliverCallback;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.InventoryRejected;
import orderflow.envelope.InventoryReserved;
import orderflow.testing.TestBroker;
import orderflow.topology.Topology;

/**
 * Collects every InventoryReserved and InventoryRejected the service publishes, through a test
 * queue bound to the orders exchange (deleted after the test).
 */
final class Decisions implements AutoCloseable {
  private final Channel channel;
  private final ConcurrentLinkedQueue<EventEnvelope> received = new ConcurrentLinkedQueue<>();
  private final Set<String> undecodable = ConcurrentHashMap.newKeySet();

  private Decisions(Channel channel) {
    this.channel = channel;
  }

  /** Call after the topology is declared and before the service can decide anything. */
  static Decisions listen(TestBroker broker, Topology topology) throws Exception {
    Channel channel = broker.connection().createChannel();
    String queue = topology.name("test-decisions");
    broker.deleteAfter(queue);
    channel.queueDeclare(queue, true, false, false, null);
    channel.queueBind(queue, topology.ordersExchange(), "inventory.reserved");
    channel.queueBind(queue, topology.ordersExchange(), "inventory.rejected");
    Decisions decisions = new Decisions(channel);
    EventCodec codec = new EventCodec();
    DeliverCallback onDelivery =
        (tag, delivery) -> {
          try {
            decisions.received.add(codec.decode(delivery.getBody()));
          } catch (RuntimeException e) {
            decisions.undecodable.add(new String(delivery.getBody()));
          }
        };
    channel.basicConsume(queue, true, onDelivery, tag -> {});
    return decisions;
  }

  /** Every message received, duplicates included. */
  List<EventEnvelope> all() {
    if (!undecodable.isEmpty()) {
      throw new AssertionError("undecodable decisions: " + undecodable);
    }
    return List.copyOf(received);
  }

  /** Orders with at least one decision. */
  Set<String> decidedOrders() {
    return all().stream().map(e -> e.payload().orderId()).collect(Collectors.toSet());
  }

  /** The latest decision of each order. */
  Map<String, EventEnvelope> byOrder() {
    return all().stream()
        .collect(Collectors.toMap(e -> e.payload().orderId(), e -> e, (first, last) -> last));
  }

  List<InventoryReserved> reservations() {
    return all().stream()
        .filter(e -> e.payload() instanceof InventoryReserved)
        .map(e -> (InventoryReserved) e.payload())
        .toList();
  }

  List<InventoryRejected> rejections() {
    return all().stream()
        .filter(e -> e.payload() instanceof InventoryRejected)
        .map(e -> (InventoryRejected) e.payload())
        .toList();
  }

  @Override
  public void close() throws Exception {
    if (channel.isOpen()) {
      channel.close();
    }
  }
}
