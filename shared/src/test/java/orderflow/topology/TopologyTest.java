package orderflow.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import orderflow.envelope.EventType;
import org.junit.jupiter.api.Test;

class TopologyTest {
  @Test
  void withoutNamespaceNamesAreThePlainNames() {
    Topology topology = new Topology("");

    assertEquals("orders", topology.ordersExchange());
    assertEquals("orders.dlx", topology.deadLetterExchange());
    assertEquals("inventory", topology.queue(Topology.INVENTORY_QUEUE));
    assertEquals("shipping.dlq", topology.deadLetterQueue(Topology.SHIPPING_QUEUE));
    assertEquals("order_events", topology.legacyQueue());
  }

  @Test
  void namespacePrefixesEveryExchangeAndQueue() {
    Topology topology = new Topology("t1");

    for (ExchangeSpec exchange : topology.exchanges()) {
      assertTrue(exchange.name().startsWith("t1."), exchange.name());
    }
    for (QueueSpec queue : topology.queues()) {
      assertTrue(queue.name().startsWith("t1."), queue.name());
    }
    for (BindingSpec binding : topology.bindings()) {
      assertTrue(binding.exchange().startsWith("t1.") && binding.queue().startsWith("t1."));
    }
    assertEquals("t1.inventory.retry.5s", topology.retryQueue("inventory", Duration.ofSeconds(5)));
  }

  @Test
  void workQueuesAreQuorumAndDeadLetterToTheNamespacedExchange() {
    Topology topology = new Topology("t2");
    Map<String, Object> args = queue(topology, "t2.inventory").arguments();

    assertEquals("quorum", args.get("x-queue-type"));
    assertEquals("t2.orders.dlx", args.get("x-dead-letter-exchange"));
    assertEquals("at-least-once", args.get("x-dead-letter-strategy"));
    assertEquals("reject-publish", args.get("x-overflow"));
    assertEquals(Topology.DELIVERY_LIMIT, args.get("x-delivery-limit"));
  }

  @Test
  void eachDistinctTierHasATtlQueueThatReturnsToTheWorkQueue() {
    RetryTiers tiers =
        new RetryTiers(
            List.of(Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(2)));
    Topology topology = new Topology("t3", tiers);

    QueueSpec fast = queue(topology, "t3.shipping.retry.500ms");
    assertEquals(500L, fast.arguments().get("x-message-ttl"));
    assertEquals("", fast.arguments().get("x-dead-letter-exchange"));
    assertEquals("t3.shipping", fast.arguments().get("x-dead-letter-routing-key"));
    long twoSecondQueues =
        topology.queues().stream().filter(q -> q.name().endsWith(".retry.2s")).count();
    assertEquals(
        topology.workQueues().size(),
        twoSecondQueues,
        "one 2s queue per work queue, not one per tier entry");
  }

  @Test
  void legacyQueueIsDeclaredExactlyAsTheSeedDoes() {
    QueueSpec legacy = queue(new Topology(""), "order_events");

    assertFalse(legacy.durable());
    assertTrue(legacy.arguments().isEmpty());
  }

  @Test
  void workQueuesAreBoundToTheirRoutingKeys() {
    Topology topology = new Topology("t4");

    assertTrue(
        topology
            .bindings()
            .contains(new BindingSpec("t4.orders", "t4.inventory", "order.created")));
    assertTrue(
        topology
            .bindings()
            .contains(new BindingSpec("t4.orders", "t4.shipping", "inventory.reserved")));
    assertTrue(
        topology
            .bindings()
            .contains(new BindingSpec("t4.orders.dlx", "t4.inventory.dlq", "inventory")));
  }

  @Test
  void eachServiceFailsThroughItsOwnDirectExchangeToItsRetryQueuesAndItsDlqOnly() {
    Topology topology = new Topology("t5", RetryTiers.parse("1s,5s"));

    assertEquals("t5.inventory.failures", topology.failureExchange(Topology.INVENTORY_QUEUE));
    assertTrue(
        topology.exchanges().contains(new ExchangeSpec("t5.inventory.failures", "direct")),
        topology.exchanges().toString());
    assertTrue(topology.exchanges().contains(new ExchangeSpec("t5.shipping.failures", "direct")));
    List<BindingSpec> fromInventory =
        topology.bindings().stream()
            .filter(b -> b.exchange().equals("t5.inventory.failures"))
            .toList();
    assertEquals(
        List.of(
            new BindingSpec(
                "t5.inventory.failures", "t5.inventory.retry.1s", "t5.inventory.retry.1s"),
            new BindingSpec(
                "t5.inventory.failures", "t5.inventory.retry.5s", "t5.inventory.retry.5s"),
            new BindingSpec("t5.inventory.failures", "t5.inventory.dlq", "t5.inventory.dlq")),
        fromInventory);
  }

  @Test
  void aServicesOwnResourcesLeaveOutTheOtherServicesQueuesAndFailureExchange() {
    Topology topology = new Topology("t6", RetryTiers.parse("1s"));

    assertEquals(
        List.of("t6.shipping", "t6.shipping.dlq", "t6.shipping.retry.1s"),
        topology.queuesOf(Topology.SHIPPING_QUEUE).stream().map(QueueSpec::name).toList());
    assertEquals(
        List.of("t6.orders", "t6.orders.dlx", "t6.shipping.failures"),
        topology.exchangesOf(Topology.SHIPPING_QUEUE).stream().map(ExchangeSpec::name).toList());
    assertTrue(topology.queues().containsAll(topology.queuesOf(Topology.SHIPPING_QUEUE)));
  }

  @Test
  void theEventsStreamIsAStreamWithRetentionBoundToEveryEventType() {
    Topology topology = new Topology("t7", RetryTiers.DEFAULT, EventStream.DEFAULT);

    QueueSpec stream = queue(topology, "t7.events");
    assertTrue(stream.durable());
    assertEquals(
        Map.of(
            "x-queue-type",
            "stream",
            "x-max-age",
            "7D",
            "x-max-length-bytes",
            EventStream.DEFAULT_MAX_LENGTH_BYTES,
            "x-stream-max-segment-size-bytes",
            EventStream.DEFAULT_MAX_SEGMENT_SIZE_BYTES),
        stream.arguments());
    for (EventType type : EventType.values()) {
      assertTrue(
          topology
              .bindings()
              .contains(new BindingSpec("t7.orders", "t7.events", type.routingKey())),
          type.wireName());
    }
  }

  @Test
  void offLeavesTheStreamAndItsBindingsOut() {
    Topology topology =
        new Topology(
            "t8", RetryTiers.DEFAULT, EventStream.fromEnv(Map.of("ORDERS_STREAM", "off")::get));

    assertTrue(topology.queues().stream().noneMatch(q -> q.name().equals("t8.events")));
    assertTrue(topology.bindings().stream().noneMatch(b -> b.queue().equals("t8.events")));
    assertEquals("t8.events", topology.eventsStream());
  }

  @Test
  void retentionComesFromTheEnvironmentAndRefusesNonsense() {
    EventStream stream =
        EventStream.fromEnv(
            Map.of("ORDERS_STREAM_MAX_AGE", "12h", "ORDERS_STREAM_MAX_BYTES", "5000000")::get);

    assertEquals("12h", stream.maxAge());
    assertEquals(5_000_000L, stream.maxLengthBytes());
    assertEquals(EventStream.DEFAULT_MAX_SEGMENT_SIZE_BYTES, stream.maxSegmentSizeBytes());
    assertThrows(
        IllegalArgumentException.class,
        () -> EventStream.fromEnv(Map.of("ORDERS_STREAM_MAX_AGE", "7 days")::get));
    assertThrows(
        IllegalArgumentException.class,
        () -> EventStream.fromEnv(Map.of("ORDERS_STREAM", "maybe")::get));
    assertThrows(
        IllegalArgumentException.class,
        () -> EventStream.fromEnv(Map.of("ORDERS_STREAM_MAX_BYTES", "-1")::get));
  }

  private static QueueSpec queue(Topology topology, String name) {
    return topology.queues().stream()
        .filter(q -> q.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no queue " + name));
  }
}
