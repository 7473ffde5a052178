package orderflow.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import orderflow.config.BrokerSettings;
import orderflow.consume.engine.ConsumerSettings;
import orderflow.consume.process.ServiceMain;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TcpProxy;
import orderflow.testing.TestBroker;
import orderflow.testing.TestDatabases;
import orderflow.topology.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service given several broker addresses (issue 14 item 7) carries on when the node it is
 * connected to goes away. Two TCP proxies in front of the one test broker play two nodes: closing a
 * proxy refuses new connections through it as a dead node would.
 */
@ExtendWith(RabbitMqExtension.class)
class BrokerNodeFailoverIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

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

  @Test
  void aServiceWhoseNodeDiesReconnectsToAnotherAndKeepsConsuming(TestBroker broker)
      throws Exception {
    try (TcpProxy nodeA = new TcpProxy(broker.uri());
        TcpProxy nodeB = new TcpProxy(broker.uri())) {
      URI uriA = nodeA.uri(broker.uri());
      URI uriB = nodeB.uri(broker.uri());
      Topology topology =
          start(broker, new BrokerSettings(List.of(uriA, uriB), broker.namespace(), null, false));
      TestOrders.publish(broker, topology, List.of(TestOrders.order("ok")));
      TestBroker.await("the first order applied", DEADLINE, () -> applied() == 1);

      // The consumer's and the outbox publisher's connections each pick a node: close one that
      // carries a connection, and every connection ends up through the other.
      TcpProxy used = nodeA.carriesConnections() ? nodeA : nodeB;
      TcpProxy other = used == nodeA ? nodeB : nodeA;
      assertTrue(used.carriesConnections());
      used.close();

      TestBroker.await("reconnected through the other node", DEADLINE, other::carriesConnections);
      TestOrders.publish(broker, topology, List.of(TestOrders.order("ok")));
      TestBroker.await("the order after the failover applied", DEADLINE, () -> applied() == 2);
      assertEquals(2, applied());
    }
  }

  @Test
  void aServiceStartsWhenOneNodeOfTheListIsDown(TestBroker broker) throws Exception {
    try (TcpProxy node = new TcpProxy(broker.uri())) {
      URI alive = node.uri(broker.uri());
      // Port 1 on loopback: nothing listens there. Same credentials and vhost, as the list needs.
      URI dead =
          URI.create("amqp://" + alive.getRawUserInfo() + "@127.0.0.1:1" + alive.getRawPath());
      Topology topology =
          start(broker, new BrokerSettings(List.of(dead, alive), broker.namespace(), null, false));

      TestOrders.publish(broker, topology, List.of(TestOrders.order("ok")));
      TestBroker.await("the order applied", DEADLINE, () -> applied() == 1);
    }
  }

  private Topology start(TestBroker broker, BrokerSettings settings) throws Exception {
    ConsumerSettings consumer = ServiceFixture.quickSettings().build();
    dbUrl = TestDatabases.sqlite(dir);
    service = ServiceMain.start(settings, consumer, dbUrl, ScriptedService.definition());
    return broker.topology(consumer.tiers());
  }

  private long applied() {
    return ServiceFixture.appliedCounts(dbUrl)[0];
  }
}
