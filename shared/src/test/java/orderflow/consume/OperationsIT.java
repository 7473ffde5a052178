package orderflow.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import orderflow.config.BrokerSettings;
import orderflow.consume.engine.ConsumerSettings;
import orderflow.consume.process.ServiceMain;
import orderflow.dlq.DeadLetter;
import orderflow.dlq.DeadLetterQueue;
import orderflow.dlq.DlqCommand;
import orderflow.dlq.FilterOptions;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TcpProxy;
import orderflow.testing.TestBroker;
import orderflow.testing.TestDatabases;
import orderflow.topology.Topology;
import orderflow.trace.Tracing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** What an operator relies on: metrics that count exactly, health that tells the truth, replay. */
@ExtendWith(RabbitMqExtension.class)
class OperationsIT {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir Path dir;
  private ServiceMain.RunningService service;
  private String dbUrl;

  @BeforeEach
  void resetScript() {
    ScriptedService.reset();
  }

  @AfterEach
  void stop() {
    if (service != null) {
      service.stop();
    }
  }

  private Topology start(TestBroker broker, BrokerSettings settings) throws Exception {
    ConsumerSettings consumer = ServiceFixture.quickSettings().build();
    dbUrl = TestDatabases.sqlite(dir);
    service = ServiceMain.start(settings, consumer, dbUrl, ScriptedService.definition());
    return broker.topology(consumer.tiers());
  }

  private HttpResponse<String> get(String path) {
    return ServiceFixture.get(service, path);
  }

  private double metric(String name, String labelFragment) {
    double total = 0;
    for (String line : get("/metrics").body().split("\n")) {
      if (line.startsWith(name + "{") && line.contains(labelFragment)) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  private long applied() {
    return ServiceFixture.appliedCounts(dbUrl)[0];
  }

  @Test
  void metricsCountExactlyWhatTheTestCaused(TestBroker broker) throws Exception {
    Topology topology = start(broker, broker.settings());
    EventEnvelope duplicated = TestOrders.order("ok");
    TestOrders.publish(
        broker,
        topology,
        List.of(duplicated, duplicated, TestOrders.order("ok"), TestOrders.order("transient-1")));
    TestOrders.publishRaw(broker, topology, "order.created", "[]".getBytes(StandardCharsets.UTF_8));

    TestBroker.await("everything settled", DEADLINE, () -> metric("orderflow_acks_total", "") == 6);
    assertEquals(
        6, metric("orderflow_deliveries_total", ""), "4 published + 1 retry + 1 malformed");
    assertEquals(1, metric("orderflow_duplicates_total", ""));
    assertEquals(1, metric("orderflow_retries_total", "tier=\"300ms\""));
    assertEquals(1, metric("orderflow_dead_letters_total", "reason=\"invalid-event\""));
    assertEquals(3, metric("orderflow_handler_seconds_count", "event_type=\"OrderCreated\""));
    assertEquals(
        3, metric("orderflow_end_to_end_latency_seconds_count", "event_type=\"OrderCreated\""));
    assertEquals(3, applied());
    assertTrue(
        get("/metrics").body().lines().anyMatch(l -> l.startsWith("rabbitmq_connections")),
        "the Java client's own meters are exposed too");
  }

  @Test
  void readinessFailsWhileTheBrokerConnectionIsDownAndRecoversWithIt(TestBroker broker)
      throws Exception {
    try (TcpProxy proxy = new TcpProxy(broker.uri())) {
      Topology topology =
          start(broker, new BrokerSettings(proxy.uri(broker.uri()), broker.namespace()));
      TestBroker.await("ready", DEADLINE, () -> get("/health/ready").statusCode() == 200);
      assertEquals(200, get("/health/live").statusCode());

      proxy.dropConnections();
      TestBroker.await("not ready", DEADLINE, () -> get("/health/ready").statusCode() == 503);
      assertTrue(get("/health/ready").body().contains("\"connection\""));
      assertEquals(200, get("/health/live").statusCode(), "alive while recovering");

      TestBroker.await("ready again", DEADLINE, () -> get("/health/ready").statusCode() == 200);
      TestOrders.publish(broker, topology, List.of(TestOrders.order("ok")));
      TestBroker.await("consuming again after recovery", DEADLINE, () -> applied() == 1);
    }
  }

  @Test
  void theOutboxPublishesOnAConnectionOfItsOwnThatReadinessWatches(TestBroker broker)
      throws Exception {
    start(broker, broker.settings());
    TestBroker.await("ready", DEADLINE, () -> get("/health/ready").statusCode() == 200);
    Thread publisher = outboxPublisherThread();

    String body = get("/health/ready").body();
    assertTrue(body.contains("\"publisher connection\":\"ok\""), body);
    assertTrue(publisher.isAlive());
  }

  @Test
  void readinessFailsOnceTheOutboxPublisherThreadHasDied(TestBroker broker) throws Exception {
    start(broker, broker.settings());
    TestBroker.await("ready", DEADLINE, () -> get("/health/ready").statusCode() == 200);
    Thread publisher = outboxPublisherThread();

    // Whatever ends the thread (an interrupt here, an Error in production), nothing publishes now.
    publisher.interrupt();
    publisher.join(DEADLINE.toMillis());

    HttpResponse<String> ready = get("/health/ready");
    assertEquals(503, ready.statusCode());
    assertTrue(ready.body().contains("\"outbox publisher\""), ready.body());
    assertEquals(200, get("/health/live").statusCode());
  }

  private static Thread outboxPublisherThread() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals(ScriptedService.NAME + "-outbox-publisher"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no outbox publisher thread"));
  }

  @Test
  void aPoisonedEventIsListedShownReplayedAfterTheFixAndAppliedOnce(TestBroker broker)
      throws Exception {
    Topology topology = start(broker, broker.settings());
    ScriptedService.rejectEverything.set(true);
    EventEnvelope poisoned = TestOrders.order("ok");
    EventEnvelope other = TestOrders.order("ok");
    TestOrders.publish(broker, topology, List.of(poisoned, other));
    String dlq = topology.deadLetterQueue(Topology.INVENTORY_QUEUE);
    TestBroker.await(
        "two dead letters",
        DEADLINE,
        () -> {
          try {
            return broker.messageCount(dlq) == 2;
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });

    DeadLetterQueue letters =
        new DeadLetterQueue(broker.connection(), topology, Topology.INVENTORY_QUEUE, Tracing.OFF);
    List<DeadLetter> listed = new ArrayList<>();
    letters.list(FilterOptions.all(), listed::add);
    assertEquals(2, listed.size());
    DeadLetter shown = letters.show(poisoned.eventId().toString()).orElseThrow();
    assertEquals("permanent-failure", shown.reason());
    awaitCount(broker, dlq, 2, "listing and showing remove nothing");

    ScriptedService.rejectEverything.set(false);
    DlqCommand.Replay dryRun =
        letters.replay(FilterOptions.eventId(poisoned.eventId().toString()), true);
    assertEquals(1, dryRun.replayed().size());
    awaitCount(broker, dlq, 2, "a dry run changes nothing");

    // An interrupted earlier replay may already have published a copy: the inbox must absorb it.
    TestOrders.publish(broker, topology, List.of(poisoned));
    DlqCommand.Replay replay =
        letters.replay(FilterOptions.eventId(poisoned.eventId().toString()), false);
    assertEquals(1, replay.replayed().size());
    assertTrue(replay.failed().isEmpty());
    TestBroker.await("the replayed event applied", DEADLINE, () -> applied() == 1);
    TestBroker.await(
        "both copies settled",
        DEADLINE,
        () -> {
          try {
            return broker.messageCount(topology.queue(Topology.INVENTORY_QUEUE)) == 0
                && metric("orderflow_duplicates_total", "") == 1;
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
    assertEquals(1, applied(), "applied exactly once");
    assertEquals(1, broker.messageCount(dlq), "the other dead letter stays");
    assertEquals(
        other.eventId().toString(),
        new EventCodec().decode(broker.get(dlq).getBody()).eventId().toString());
  }

  /** A scan requeues what it read as its channel closes; the queue counts it back shortly after. */
  private static void awaitCount(TestBroker broker, String queue, long expected, String what) {
    TestBroker.await(
        what,
        DEADLINE,
        () -> {
          try {
            return broker.messageCount(queue) == expected;
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
  }
}
