package orderflow.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.GetResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.store.Database;
import orderflow.testing.JavaProcess;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TestBroker;
import orderflow.testing.TestDatabases;
import orderflow.topology.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The runtime as a real process: killed, signalled, crashed by a poison message. */
@ExtendWith(RabbitMqExtension.class)
class ConsumerProcessIT {
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  @TempDir Path dir;

  private List<String> args(TestBroker broker, String dbUrl) {
    return List.of(
        "--uri",
        broker.uriString(),
        "--namespace",
        broker.namespace(),
        "--db",
        dbUrl,
        "--batch-size",
        "20",
        "--prefetch",
        "100");
  }

  private static long[] applied(String dbUrl) {
    try (Database database = Database.open(dbUrl);
        Connection connection = database.open()) {
      return ScriptedService.appliedCounts(connection);
    } catch (Exception e) {
      // The file may not exist yet while the process starts.
      return new long[] {0, 0};
    }
  }

  private static List<EventEnvelope> publishOrders(TestBroker broker, Topology topology, int count)
      throws Exception {
    try (var channel = broker.connection().createChannel()) {
      topology.declare(channel);
    }
    List<EventEnvelope> orders = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      orders.add(TestOrders.order("ok"));
    }
    TestOrders.publish(broker, topology, orders);
    return orders;
  }

  private static Set<String> drainEventIds(TestBroker broker, String queue) throws Exception {
    Set<String> causations = new HashSet<>();
    EventCodec codec = new EventCodec();
    GetResponse response;
    while ((response = broker.get(queue)) != null) {
      causations.add(codec.decode(response.getBody()).metadata().causationId());
    }
    return causations;
  }

  @Test
  void killedAbruptlyWithDeliveriesUnackedLosesNothingAndAppliesNothingTwice(TestBroker broker)
      throws Exception {
    Topology topology = broker.topology();
    String dbUrl = TestDatabases.sqlite(dir);
    List<EventEnvelope> orders = publishOrders(broker, topology, 2000);

    try (JavaProcess first =
        JavaProcess.start(dir, ScriptedServiceMain.class, args(broker, dbUrl))) {
      TestBroker.await("some orders applied", DEADLINE, () -> applied(dbUrl)[0] >= 200);
      first.kill();
    }
    long beforeRestart = applied(dbUrl)[0];
    assertTrue(beforeRestart < 2000, "the kill came mid-stream (" + beforeRestart + ")");
    try (JavaProcess second =
        JavaProcess.start(dir, ScriptedServiceMain.class, args(broker, dbUrl))) {
      TestBroker.await("every order applied", DEADLINE, () -> applied(dbUrl)[1] == 2000);
      String shipping = topology.queue(Topology.SHIPPING_QUEUE);
      TestBroker.await(
          "every emitted event published",
          DEADLINE,
          () -> {
            try {
              return broker.messageCount(shipping) >= 2000;
            } catch (Exception e) {
              throw new AssertionError(e);
            }
          });
      assertEquals(0, second.terminate(60), second.output());
      long[] counts = applied(dbUrl);
      assertEquals(2000, counts[0], "applied rows");
      assertEquals(2000, counts[1], "distinct orders");
      Set<String> causes = drainEventIds(broker, shipping);
      Set<String> expected = new HashSet<>();
      orders.forEach(o -> expected.add(o.eventId().toString()));
      assertEquals(expected, causes, "one emitted event per order, at least once");
      assertEquals(0, broker.messageCount(topology.deadLetterQueue(Topology.INVENTORY_QUEUE)));
    }
  }

  @Test
  void sigtermDuringAStreamExitsZeroAndLosesNothing(TestBroker broker) throws Exception {
    Topology topology = broker.topology();
    String dbUrl = TestDatabases.sqlite(dir);
    publishOrders(broker, topology, 2000);

    try (JavaProcess first =
        JavaProcess.start(dir, ScriptedServiceMain.class, args(broker, dbUrl))) {
      TestBroker.await("some orders applied", DEADLINE, () -> applied(dbUrl)[0] >= 200);
      assertEquals(0, first.terminate(60), first.output());
      assertTrue(first.output().contains("draining"), first.output());
    }
    long[] afterStop = applied(dbUrl);
    assertEquals(afterStop[0], afterStop[1], "nothing applied twice");
    String work = topology.queue(Topology.INVENTORY_QUEUE);
    assertEquals(
        2000 - afterStop[0], broker.messageCount(work), "every unapplied order is still queued");
    String shipping = topology.queue(Topology.SHIPPING_QUEUE);
    assertEquals(afterStop[0], broker.messageCount(shipping), "the outbox was flushed before exit");

    try (JavaProcess second =
        JavaProcess.start(dir, ScriptedServiceMain.class, args(broker, dbUrl))) {
      TestBroker.await("every order applied", DEADLINE, () -> applied(dbUrl)[1] == 2000);
      assertEquals(0, second.terminate(60), second.output());
    }
    long[] counts = applied(dbUrl);
    assertEquals(2000, counts[0]);
    assertEquals(2000, counts[1]);
  }

  /** The broker dead-letters the message as it returns from the dead process; give it a moment. */
  private static void pollBriefly(TestBroker broker, String dlq) {
    try {
      TestBroker.await(
          "dead letter",
          Duration.ofSeconds(2),
          () -> {
            try {
              return broker.messageCount(dlq) > 0;
            } catch (Exception e) {
              throw new AssertionError(e);
            }
          });
    } catch (AssertionError notYet) {
      // Not dead-lettered yet: the next process gets it again.
    }
  }

  @Test
  void poisonMessageThatKillsTheConsumerEndsInTheDeadLetterQueue(TestBroker broker)
      throws Exception {
    Topology topology = broker.topology();
    String dbUrl = TestDatabases.sqlite(dir);
    try (var channel = broker.connection().createChannel()) {
      topology.declare(channel);
    }
    EventEnvelope poison = TestOrders.order("crash");
    TestOrders.publish(broker, topology, List.of(poison));
    String dlq = topology.deadLetterQueue(Topology.INVENTORY_QUEUE);

    int crashes = 0;
    while (broker.messageCount(dlq) == 0) {
      assertTrue(crashes <= Topology.DELIVERY_LIMIT + 1, "too many crashes without dead-lettering");
      try (JavaProcess process =
          JavaProcess.start(dir, ScriptedServiceMain.class, args(broker, dbUrl))) {
        boolean died = process.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(
            died || broker.messageCount(dlq) > 0,
            "alive, nothing dead-lettered:\n" + process.output());
        if (died) {
          assertEquals(3, process.process().exitValue(), process.output());
          crashes++;
          pollBriefly(broker, dlq);
        }
      }
    }
    GetResponse letter = broker.get(dlq);
    assertEquals(poison.eventId().toString(), letter.getProps().getMessageId());
    assertEquals(
        "delivery_limit",
        String.valueOf(letter.getProps().getHeaders().get("x-first-death-reason")));
    assertFalse(crashes == 0);
  }

  @Test
  void aBacklogOfOversizedMessagesCannotExhaustASmallHeapAndEachEndsAsOneDeadLetter(
      TestBroker broker) throws Exception {
    Topology topology = broker.topology();
    String dbUrl = TestDatabases.sqlite(dir);
    try (var channel = broker.connection().createChannel()) {
      topology.declare(channel);
    }
    // 12 x 8 MB queued before the service starts: with every one held in memory at once, a
    // 64 MB heap runs out; each must instead be dead-lettered on arrival without being decoded.
    int oversized = 12;
    byte[] body = new byte[8 * 1024 * 1024];
    java.util.Arrays.fill(body, (byte) '{');
    for (int i = 0; i < oversized; i++) {
      TestOrders.publishRaw(broker, topology, "order.created", body);
    }
    EventEnvelope afterwards = TestOrders.order("ok");
    TestOrders.publish(broker, topology, List.of(afterwards));
    String dlq = topology.deadLetterQueue(Topology.INVENTORY_QUEUE);

    try (JavaProcess process =
        JavaProcess.start(dir, ScriptedServiceMain.class, "64m", args(broker, dbUrl))) {
      TestBroker.await("the valid order applied", DEADLINE, () -> applied(dbUrl)[1] == 1);
      TestBroker.await(
          oversized + " dead letters",
          DEADLINE,
          () -> {
            try {
              return broker.messageCount(dlq) >= oversized;
            } catch (Exception e) {
              throw new AssertionError(e);
            }
          });
      assertTrue(process.process().isAlive(), process.output());
      assertEquals(0, process.terminate(60), process.output());
      assertTrue(process.output().contains("message-too-large"), process.output());
    }
    assertEquals(oversized, broker.messageCount(dlq), "exactly one dead letter each");
    assertEquals(0, broker.messageCount(topology.queue(Topology.INVENTORY_QUEUE)));
    GetResponse letter = broker.get(dlq);
    assertEquals(body.length, letter.getBody().length, "the whole body is kept");
    assertEquals(
        "rejected", String.valueOf(letter.getProps().getHeaders().get("x-first-death-reason")));
  }
}
