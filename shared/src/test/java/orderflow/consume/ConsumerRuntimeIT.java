package orderflow.consume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import orderflow.consume.engine.CircuitBreaker;
import orderflow.consume.engine.ConsumerRuntime;
import orderflow.consume.engine.ConsumerSettings;
import orderflow.consume.process.ServiceMain;
import orderflow.deadletter.DeadLetterHeaders;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.store.Database;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TestBroker;
import orderflow.testing.TestDatabases;
import orderflow.testing.TestSettings;
import orderflow.topology.RetryTiers;
import orderflow.topology.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(RabbitMqExtension.class)
class ConsumerRuntimeIT {
  private static final RetryTiers FAST_TIERS = RetryTiers.parse("300ms,600ms");
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir Path dir;
  private ServiceMain.RunningService service;
  private String dbUrl;

  @BeforeEach
  void resetScript() {
    ScriptedService.reset();
  }

  @AfterEach
  void stopService() {
    if (service != null) {
      service.stop();
    }
  }

  private Topology start(TestBroker broker, ConsumerSettings settings) throws Exception {
    Topology topology = broker.topology(settings.tiers());
    dbUrl = TestDatabases.sqlite(dir);
    service = ServiceMain.start(broker.settings(), settings, dbUrl, ScriptedService.definition());
    return topology;
  }

  private static ConsumerSettings settings(int maxRetries) {
    return TestSettings.builder()
        .prefetch(50)
        .tiers(FAST_TIERS)
        .maxRetries(maxRetries)
        .injectFailureRate(0)
        .breakerThreshold(1000)
        .breakerReset(Duration.ofSeconds(1))
        .batchSize(20)
        .shutdownTimeout(Duration.ofSeconds(10))
        .build();
  }

  private long[] applied() throws Exception {
    try (Database database = Database.open(dbUrl);
        Connection connection = database.open()) {
      return ScriptedService.appliedCounts(connection);
    }
  }

  private static long count(TestBroker broker, String queue) {
    try {
      return broker.messageCount(queue);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aLoneDeliveryIsHandledAtOnceWithoutWaitingForABatchToFill(TestBroker broker)
      throws Exception {
    Topology topology =
        start(broker, TestSettings.builder().tiers(FAST_TIERS).batchSize(500).build());
    long fastest = Long.MAX_VALUE;
    for (int n = 0; n < 5; n++) {
      EventEnvelope order = TestOrders.order("ok");
      long started = System.nanoTime();
      TestOrders.publish(broker, topology, List.of(order));
      long deadline = started + DEADLINE.toNanos();
      while (!ScriptedService.attempts.containsKey(order.payload().orderId())) {
        assertTrue(System.nanoTime() < deadline, "delivery " + n + " never handled");
        Thread.sleep(1);
      }
      fastest = Math.min(fastest, System.nanoTime() - started);
    }
    // A timer waiting for more deliveries would hold every one of them for its whole delay.
    assertTrue(fastest < Duration.ofMillis(100).toNanos(), "fastest lone delivery: " + fastest);
  }

  @Test
  void deadLettersMalformedAndUnknownVersionMessagesAfterOneDeliveryWithoutRetry(TestBroker broker)
      throws Exception {
    Topology topology = start(broker, settings(3));
    EventEnvelope order = TestOrders.order("ok");
    String unknownVersion =
        new String(new EventCodec().encode(order), StandardCharsets.UTF_8)
            .replace("\"version\":\"3\"", "\"version\":\"9\"");
    TestOrders.publishRaw(
        broker, topology, "order.created", "{not json".getBytes(StandardCharsets.UTF_8));
    TestOrders.publishRaw(
        broker, topology, "order.created", unknownVersion.getBytes(StandardCharsets.UTF_8));

    String dlq = topology.deadLetterQueue(Topology.INVENTORY_QUEUE);
    TestBroker.await("two dead letters", DEADLINE, () -> count(broker, dlq) == 2);

    List<Map<String, Object>> headers = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      GetResponse letter = broker.get(dlq);
      headers.add(letter.getProps().getHeaders());
    }
    for (Map<String, Object> h : headers) {
      assertEquals("invalid-event", h.get(DeadLetterHeaders.REASON).toString());
      assertEquals(1, ((Number) h.get(DeadLetterHeaders.ATTEMPTS)).intValue());
      assertEquals(
          "orderflow.envelope.InvalidEventException",
          h.get(DeadLetterHeaders.EXCEPTION_CLASS).toString());
      assertEquals(
          topology.ordersExchange(), h.get(DeadLetterHeaders.ORIGINAL_EXCHANGE).toString());
      assertEquals("order.created", h.get(DeadLetterHeaders.ORIGINAL_ROUTING_KEY).toString());
      assertEquals(ScriptedService.NAME, h.get(DeadLetterHeaders.CONSUMER).toString());
      assertNotNull(h.get(DeadLetterHeaders.FIRST_FAILURE_AT));
      assertNotNull(h.get(DeadLetterHeaders.LAST_FAILURE_AT));
    }
    String messages =
        headers.get(0).get(DeadLetterHeaders.EXCEPTION_MESSAGE)
            + " | "
            + headers.get(1).get(DeadLetterHeaders.EXCEPTION_MESSAGE);
    assertTrue(messages.contains("body: malformed JSON"), messages);
    assertTrue(messages.contains("metadata.version"), messages);
    for (var delay : FAST_TIERS.delays()) {
      assertEquals(0, count(broker, topology.retryQueue(Topology.INVENTORY_QUEUE, delay)));
    }
    assertEquals(0, applied()[0]);
  }

  @Test
  void retriesATransientFailureAfterEachTierAndAppliesOnce(TestBroker broker) throws Exception {
    Topology topology = start(broker, settings(3));
    EventEnvelope order = TestOrders.order("transient-2");
    TestOrders.publish(broker, topology, List.of(order));

    TestBroker.await(
        "the order applied",
        DEADLINE,
        () -> {
          try {
            return applied()[0] == 1;
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
    String orderId = order.payload().orderId();
    List<Instant> times = new ArrayList<>(ScriptedService.attemptTimes.get(orderId));
    assertEquals(3, times.size(), "two failures and one success");
    assertTrue(Duration.between(times.get(0), times.get(1)).toMillis() >= 300, times.toString());
    assertTrue(Duration.between(times.get(1), times.get(2)).toMillis() >= 600, times.toString());
    String shipping = topology.queue(Topology.SHIPPING_QUEUE);
    TestBroker.await("the emitted event", DEADLINE, () -> count(broker, shipping) == 1);
    EventEnvelope emitted = new EventCodec().decode(broker.get(shipping).getBody());
    assertEquals(order.eventId().toString(), emitted.metadata().causationId());
    assertEquals(orderId, emitted.metadata().correlationId());
    assertEquals(0, count(broker, topology.deadLetterQueue(Topology.INVENTORY_QUEUE)));
  }

  @Test
  void deadLettersAfterTheConfiguredRetriesWhenFailuresPersist(TestBroker broker) throws Exception {
    Topology topology = start(broker, settings(2));
    EventEnvelope order = TestOrders.order("always-transient");
    TestOrders.publish(broker, topology, List.of(order));

    String dlq = topology.deadLetterQueue(Topology.INVENTORY_QUEUE);
    TestBroker.await("the dead letter", DEADLINE, () -> count(broker, dlq) == 1);
    GetResponse letter = broker.get(dlq);
    Map<String, Object> h = letter.getProps().getHeaders();
    assertEquals("retries-exhausted", h.get(DeadLetterHeaders.REASON).toString());
    assertEquals(3, ((Number) h.get(DeadLetterHeaders.ATTEMPTS)).intValue());
    assertEquals(order.eventId().toString(), letter.getProps().getMessageId());
    assertTrue(h.get(DeadLetterHeaders.EXCEPTION_MESSAGE).toString().contains("attempt 3"));
    assertEquals("order.created", h.get(DeadLetterHeaders.ORIGINAL_ROUTING_KEY).toString());
    assertEquals(3, ScriptedService.attempts.get(order.payload().orderId()).get());
    assertEquals(0, applied()[0]);
  }

  @Test
  void deadLettersAPermanentFailureAtOnce(TestBroker broker) throws Exception {
    Topology topology = start(broker, settings(3));
    EventEnvelope order = TestOrders.order("permanent");
    TestOrders.publish(broker, topology, List.of(order));

    String dlq = topology.deadLetterQueue(Topology.INVENTORY_QUEUE);
    TestBroker.await("the dead letter", DEADLINE, () -> count(broker, dlq) == 1);
    Map<String, Object> h = broker.get(dlq).getProps().getHeaders();
    assertEquals("permanent-failure", h.get(DeadLetterHeaders.REASON).toString());
    assertEquals(1, ((Number) h.get(DeadLetterHeaders.ATTEMPTS)).intValue());
    assertEquals(1, ScriptedService.attempts.get(order.payload().orderId()).get());
  }

  @Test
  void deliveriesThatFailInABatchAreUndoneAloneAndEveryOtherAppliesOnce(TestBroker broker)
      throws Exception {
    ConsumerSettings settings = settings(3);
    Topology topology = broker.topology(settings.tiers());
    try (Channel channel = broker.connection().createChannel()) {
      topology.declare(channel);
    }
    // Queued before the service starts, so they arrive together: one batch of 20.
    List<EventEnvelope> orders = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String script = i == 5 || i == 17 ? "permanent" : i == 12 ? "transient-1" : "ok";
      orders.add(TestOrders.order(script));
    }
    TestOrders.publish(broker, topology, orders);
    dbUrl = TestDatabases.sqlite(dir);
    service = ServiceMain.start(broker.settings(), settings, dbUrl, ScriptedService.definition());

    String dlq = topology.deadLetterQueue(Topology.INVENTORY_QUEUE);
    String shipping = topology.queue(Topology.SHIPPING_QUEUE);
    TestBroker.await(
        "18 applied and 2 dead-lettered",
        DEADLINE,
        () -> count(broker, shipping) >= 18 && count(broker, dlq) >= 2);
    service.stop();
    service = null;

    assertArrayEquals(new long[] {18, 18}, applied(), "applied rows, distinct orders");
    assertEquals(18, count(broker, shipping), "one emitted event per applied order");
    assertEquals(2, count(broker, dlq));
    // The handler of a failing delivery is not called again for the same batch: a permanent
    // failure once, a transient one once per delivery (fails, then applies after its retry).
    assertEquals(1, ScriptedService.attempts.get(orders.get(5).payload().orderId()).get());
    assertEquals(1, ScriptedService.attempts.get(orders.get(17).payload().orderId()).get());
    assertEquals(2, ScriptedService.attempts.get(orders.get(12).payload().orderId()).get());
  }

  @Test
  void appliesTheSameEventIdOnlyOnce(TestBroker broker) throws Exception {
    Topology topology = start(broker, settings(3));
    EventEnvelope order = TestOrders.order("ok");
    TestOrders.publish(broker, topology, List.of(order, order, order));

    String work = topology.queue(Topology.INVENTORY_QUEUE);
    TestBroker.await(
        "all three settled",
        DEADLINE,
        () ->
            count(broker, work) == 0
                && ScriptedService.attempts
                        .getOrDefault(
                            order.payload().orderId(),
                            new java.util.concurrent.atomic.AtomicInteger())
                        .get()
                    >= 1);
    String shipping = topology.queue(Topology.SHIPPING_QUEUE);
    TestBroker.await("the emitted event", DEADLINE, () -> count(broker, shipping) >= 1);
    // An empty queue only says all three were delivered. Stopping drains: it settles what was
    // delivered, and a delivery left unacked would return to the queue.
    service.stop();
    assertEquals(0, count(broker, work), "deliveries returned unsettled");
    assertEquals(1, applied()[0]);
    assertEquals(1, ScriptedService.attempts.get(order.payload().orderId()).get());
    assertEquals(1, count(broker, shipping));
    assertEquals(1, inboxRows(order));
    assertEquals(0, count(broker, topology.deadLetterQueue(Topology.INVENTORY_QUEUE)));
    for (Duration delay : FAST_TIERS.delays()) {
      assertEquals(0, count(broker, topology.retryQueue(Topology.INVENTORY_QUEUE, delay)));
    }
    EventEnvelope emitted = new EventCodec().decode(broker.get(shipping).getBody());
    assertEquals(order.eventId().toString(), emitted.metadata().causationId());
    assertEquals(order.payload().orderId(), emitted.payload().orderId());
  }

  private long inboxRows(EventEnvelope event) throws Exception {
    try (Database database = Database.open(dbUrl);
        Connection connection = database.open();
        java.sql.PreparedStatement query =
            connection.prepareStatement("SELECT COUNT(*) FROM inbox WHERE event_id = ?")) {
      query.setString(1, event.eventId().toString());
      try (java.sql.ResultSet rows = query.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  @Test
  void theRelayBesideTheDispatchingPipelineLetsEachEmittedEventOutOnce(TestBroker broker)
      throws Exception {
    // On SQLite the relay takes any unclaimed row at once: the pipeline must claim its rows
    // before they commit, or the relay would race it and publish some of them twice.
    Topology topology = start(broker, settings(3));
    List<EventEnvelope> orders = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      orders.add(TestOrders.order("ok"));
    }
    TestOrders.publish(broker, topology, orders);
    String shipping = topology.queue(Topology.SHIPPING_QUEUE);
    TestBroker.await("every emitted event", DEADLINE, () -> count(broker, shipping) >= 500);

    service.stop();
    service = null;

    assertEquals(500, applied()[1]);
    assertEquals(500, count(broker, shipping), "each emitted event published once");
  }

  @Test
  void theSameEventIdWithAnotherPayloadIsDeadLetteredAsAConflictNotDropped(TestBroker broker)
      throws Exception {
    Topology topology = start(broker, settings(3));
    EventEnvelope order = TestOrders.order("ok");
    EventEnvelope impostor =
        new EventEnvelope(
            order.eventId(),
            order.eventType(),
            order.timestamp(),
            TestOrders.order("ok").payload(),
            order.metadata());
    TestOrders.publish(broker, topology, List.of(order, impostor));

    String dlq = topology.deadLetterQueue(Topology.INVENTORY_QUEUE);
    TestBroker.await("one dead letter", DEADLINE, () -> count(broker, dlq) == 1);
    GetResponse letter = broker.get(dlq);
    Map<String, Object> headers = letter.getProps().getHeaders();
    assertEquals("event-id-conflict", headers.get(DeadLetterHeaders.REASON).toString());
    String message = headers.get(DeadLetterHeaders.EXCEPTION_MESSAGE).toString();
    assertTrue(
        message.contains(orderflow.envelope.PayloadDigest.of(order))
            && message.contains(orderflow.envelope.PayloadDigest.of(impostor)),
        message);
    assertEquals(impostor, new EventCodec().decode(letter.getBody()), "the impostor is kept");
    assertEquals(1, applied()[0], "the first payload applied once");
    assertEquals(1, ScriptedService.attempts.get(order.payload().orderId()).get());
    assertEquals(null, ScriptedService.attempts.get(impostor.payload().orderId()));
  }

  @Test
  void breakerStopsConsumptionWhileTheDependencyIsDownAndResumesAfter(TestBroker broker)
      throws Exception {
    ConsumerSettings settings =
        TestSettings.builder()
            .prefetch(1)
            .tiers(RetryTiers.parse("200ms"))
            .maxRetries(50)
            .injectFailureRate(0)
            .breakerThreshold(3)
            .breakerReset(Duration.ofSeconds(2))
            .batchSize(1)
            .shutdownTimeout(Duration.ofSeconds(10))
            .build();
    Topology topology = start(broker, settings);
    ScriptedService.dependencyDown.set(true);
    List<EventEnvelope> orders = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      orders.add(TestOrders.order("ok"));
    }
    TestOrders.publish(broker, topology, orders);

    ConsumerRuntime runtime = service.runtime();
    TestBroker.await(
        "the breaker opens", DEADLINE, () -> runtime.breakerState() == CircuitBreaker.State.OPEN);
    assertEquals("paused by the circuit breaker", runtime.components().get("consumer"));
    int attemptsWhenOpened = totalAttempts();
    String work = topology.queue(Topology.INVENTORY_QUEUE);
    TestBroker.await("messages wait in the queue", DEADLINE, () -> count(broker, work) >= 7);
    assertTrue(totalAttempts() <= attemptsWhenOpened + 1, "nothing handled while open");
    assertFalse(runtime.components().values().stream().allMatch("ok"::equals));

    ScriptedService.dependencyDown.set(false);
    TestBroker.await(
        "every order applied after recovery",
        DEADLINE,
        () -> {
          try {
            return applied()[1] == 10;
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
    assertEquals(CircuitBreaker.State.CLOSED, runtime.breakerState());
    assertEquals(10, applied()[0]);
    try (Channel channel = broker.connection().createChannel()) {
      topology.declare(channel);
    }
  }

  @Test
  void resubscribesWhenTheBrokerCancelsTheConsumer(TestBroker broker) throws Exception {
    Topology topology = start(broker, settings(3));
    TestOrders.publish(broker, topology, List.of(TestOrders.order("ok")));
    TestBroker.await("the first order applied", DEADLINE, () -> appliedRows() == 1);

    String work = topology.queue(Topology.INVENTORY_QUEUE);
    try (Channel channel = broker.connection().createChannel()) {
      channel.queueDelete(work); // The broker cancels every consumer of a deleted queue.
    }
    TestBroker.await(
        "the consumer is back",
        DEADLINE,
        () ->
            "ok".equals(service.runtime().components().get("consumer"))
                && queueExists(broker, work));
    TestOrders.publish(broker, topology, List.of(TestOrders.order("ok")));
    TestBroker.await(
        "an order published after the cancel applied", DEADLINE, () -> appliedRows() == 2);
  }

  private long appliedRows() {
    try {
      return applied()[0];
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static boolean queueExists(TestBroker broker, String queue) {
    try {
      broker.messageCount(queue);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static int totalAttempts() {
    return ScriptedService.attempts.values().stream()
        .mapToInt(java.util.concurrent.atomic.AtomicInteger::get)
        .sum();
  }
}
