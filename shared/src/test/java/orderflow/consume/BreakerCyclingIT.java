package orderflow.consume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import orderflow.consume.engine.CircuitBreaker;
import orderflow.consume.engine.ConsumerRuntime;
import orderflow.consume.engine.ConsumerSettings;
import orderflow.consume.process.ServiceMain;
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

/**
 * A flapping dependency cycles the circuit breaker through every state for up to a minute; the
 * broker must see at most one consumer of the process on the work queue at every moment, the
 * process must never hold more than one prefetch of deliveries, and the half-open probe no more
 * than one.
 */
@ExtendWith(RabbitMqExtension.class)
class BreakerCyclingIT {
  private static final int ORDERS = 300;
  private static final int PREFETCH = 100;
  private static final int BATCH = 20;
  private static final int MIN_OPENINGS = 10;
  private static final int MIN_CLOSINGS = 3;
  private static final Duration CYCLING = Duration.ofSeconds(60);
  private static final Duration POLL = Duration.ofMillis(10);

  @TempDir Path dir;
  private ServiceMain.RunningService service;

  @BeforeEach
  void resetScript() {
    ScriptedService.reset();
  }

  @AfterEach
  void stopService() {
    ScriptedService.reset();
    if (service != null) {
      service.stop();
    }
  }

  @Test
  void keepsOneConsumerAndOnePrefetchWhileTheBreakerCycles(TestBroker broker) throws Exception {
    ConsumerSettings settings =
        TestSettings.builder()
            .prefetch(PREFETCH)
            .tiers(RetryTiers.parse("200ms"))
            .maxRetries(1_000_000)
            .injectFailureRate(0)
            .breakerThreshold(3)
            .breakerReset(Duration.ofMillis(300))
            .batchSize(BATCH)
            .shutdownTimeout(Duration.ofSeconds(10))
            .build();
    Topology topology = broker.topology(settings.tiers());
    String dbUrl = TestDatabases.sqlite(dir);
    ScriptedService.succeedOneIn.set(4);
    service = ServiceMain.start(broker.settings(), settings, dbUrl, ScriptedService.definition());
    ConsumerRuntime runtime = service.runtime();
    List<EventEnvelope> orders = new ArrayList<>();
    for (int i = 0; i < ORDERS; i++) {
      orders.add(TestOrders.order("ok"));
    }
    TestOrders.publish(broker, topology, orders);

    String work = topology.queue(Topology.INVENTORY_QUEUE);
    int openings = 0;
    int closings = 0;
    int maxConsumers = 0;
    int maxInFlight = 0;
    int halfOpenGrowth = 0;
    int halfOpenInFlight = -1;
    CircuitBreaker.State previous = runtime.breakerState();
    long end = System.nanoTime() + CYCLING.toNanos();
    try (Channel probe = broker.connection().createChannel()) {
      while (System.nanoTime() < end && (openings < MIN_OPENINGS || closings < MIN_CLOSINGS)) {
        CircuitBreaker.State before = runtime.breakerState();
        int inFlight = runtime.inFlight();
        CircuitBreaker.State after = runtime.breakerState();
        maxConsumers = Math.max(maxConsumers, probe.queueDeclarePassive(work).getConsumerCount());
        maxInFlight = Math.max(maxInFlight, inFlight);
        // Half-open at both reads of two polls: one half-open period (open lasts 300 ms). What
        // the breaker kept when it opened is probed one by one; the probe's consumer adds one.
        if (before == CircuitBreaker.State.HALF_OPEN && after == before) {
          if (halfOpenInFlight >= 0 && inFlight > Math.max(halfOpenInFlight, 1)) {
            halfOpenGrowth = Math.max(halfOpenGrowth, inFlight - halfOpenInFlight);
          }
          halfOpenInFlight = inFlight;
        } else {
          halfOpenInFlight = -1;
        }
        if (after != previous && after == CircuitBreaker.State.OPEN) {
          openings++;
        }
        if (previous == CircuitBreaker.State.HALF_OPEN && after == CircuitBreaker.State.CLOSED) {
          closings++;
        }
        previous = after;
        Thread.sleep(POLL.toMillis());
      }
    }
    assertTrue(
        openings >= MIN_OPENINGS && closings >= MIN_CLOSINGS,
        "the breaker cycled: " + openings + " openings, " + closings + " closings");
    assertEquals(1, maxConsumers, "consumers on the work queue at most");
    // The loop counts a batch until the breaker has seen its outcomes; acked, it is refilled.
    assertTrue(maxInFlight <= PREFETCH + BATCH, "deliveries held at most: " + maxInFlight);
    assertEquals(0, halfOpenGrowth, "deliveries taken beyond the probe while half-open");

    ScriptedService.succeedOneIn.set(0);
    TestBroker.await("every order applied", CYCLING, () -> appliedCounts(dbUrl)[1] == ORDERS);
    assertArrayEquals(new long[] {ORDERS, ORDERS}, appliedCounts(dbUrl), "each applied once");
    assertEquals(0, broker.messageCount(topology.deadLetterQueue(Topology.INVENTORY_QUEUE)));
    TestBroker.await(
        "one consumer on the work queue",
        Duration.ofSeconds(10),
        () -> consumers(broker, work) == 1);
  }

  private static long[] appliedCounts(String dbUrl) {
    try (Database database = Database.open(dbUrl);
        Connection connection = database.open()) {
      return ScriptedService.appliedCounts(connection);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static int consumers(TestBroker broker, String queue) {
    try (Channel channel = broker.connection().createChannel()) {
      return channel.queueDeclarePassive(queue).getConsumerCount();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
