package orderflow.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import orderflow.config.BrokerSettings;
import orderflow.consume.engine.ConsumerSettings;
import orderflow.consume.process.ServiceMain;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TcpProxy;
import orderflow.testing.TestBroker;
import orderflow.testing.TestDatabases;
import orderflow.testing.TestSettings;
import orderflow.topology.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The legacy bridge of a running inventory service keeps consuming {@code order_events} after the
 * queue disappears, as it does when the broker restarts (issue 14 item 1), and readiness says so
 * while it cannot.
 */
@ExtendWith(RabbitMqExtension.class)
class LegacyBridgeResubscribeIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path directory;
  private ServiceMain.RunningService service;

  @AfterEach
  void stop() {
    if (service != null) {
      service.stop();
    }
  }

  @Test
  void aLegacyOrderPublishedAfterTheQueueWasDeletedIsReserved(TestBroker broker) throws Exception {
    Topology topology = broker.topology();
    start(broker.settings());
    TestBroker.await("ready", DEADLINE, () -> ready().statusCode() == 200);

    try (Decisions decisions = Decisions.listen(broker, topology)) {
      // Held exclusively by the test's connection, the queue can be neither used nor declared by
      // the service: it stays unsubscribed until the test lets go.
      Channel holder = deleteAndHoldExclusively(broker, topology.legacyQueue());
      AtomicReference<HttpResponse<String>> reply = new AtomicReference<>();
      TestBroker.await(
          "not ready while the bridge cannot consume",
          DEADLINE,
          () -> {
            reply.set(ready());
            return reply.get().statusCode() == 503;
          });
      assertTrue(
          reply.get().body().contains("\"" + InventoryService.LEGACY_BRIDGE + "\":\"not consuming"),
          reply.get().body());

      holder.queueDelete(topology.legacyQueue());
      holder.close();
      TestBroker.await("ready again", DEADLINE, () -> ready().statusCode() == 200);

      LegacyOrderBridgeIT.publishLikeTheSeed(
          broker, topology, LegacyOrderBridgeIT.seedOrder("legacy-after-delete", "sku-1", 1));
      TestBroker.await(
          "the legacy order reserved",
          DEADLINE,
          () ->
              decisions.reservations().stream()
                  .anyMatch(r -> r.orderId().equals("legacy-after-delete")));
    }
  }

  @Test
  void aLegacyOrderPublishedAfterAReconnectionThatLostTheQueueIsReserved(TestBroker broker)
      throws Exception {
    Topology topology = broker.topology();
    try (TcpProxy network = new TcpProxy(broker.uri())) {
      start(new BrokerSettings(network.uri(broker.uri()), broker.namespace()));
      TestBroker.await("ready", DEADLINE, () -> ready().statusCode() == 200);
      Decisions decisions = Decisions.listen(broker, topology);

      // As a broker restart: the connection drops and the non-durable queue is gone when the
      // service reconnects. Frozen first, so the service does not hear of the deletion before.
      network.freeze();
      try (Channel channel = broker.connection().createChannel()) {
        channel.queueDelete(topology.legacyQueue());
      }
      network.dropConnections();
      network.thaw();

      TestBroker.await("ready after recovery", DEADLINE, () -> ready().statusCode() == 200);
      LegacyOrderBridgeIT.publishLikeTheSeed(
          broker, topology, LegacyOrderBridgeIT.seedOrder("legacy-after-restart", "sku-1", 1));
      TestBroker.await(
          "the legacy order reserved",
          DEADLINE,
          () ->
              decisions.reservations().stream()
                  .anyMatch(r -> r.orderId().equals("legacy-after-restart")));
      assertEquals(200, ready().statusCode());
      decisions.close();
    }
  }

  /**
   * Deletes the queue and declares it exclusive on the test's connection, retrying when the service
   * declared it again in between.
   */
  private static Channel deleteAndHoldExclusively(TestBroker broker, String queue)
      throws Exception {
    IOException last = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      Channel channel = broker.connection().createChannel();
      try {
        channel.queueDelete(queue);
        channel.queueDeclare(queue, false, true, false, null);
        return channel;
      } catch (IOException e) {
        last = e;
      }
    }
    throw new AssertionError("could not take the queue " + queue, last);
  }

  private void start(BrokerSettings settings) throws Exception {
    ConsumerSettings withHttp =
        TestSettings.builder().shutdownTimeout(Duration.ofSeconds(5)).httpPort(0).build();
    service =
        ServiceMain.start(
            settings, withHttp, TestDatabases.sqlite(directory), InventoryService.definition(100));
  }

  private HttpResponse<String> ready() {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + service.httpPort() + "/health/ready"))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
