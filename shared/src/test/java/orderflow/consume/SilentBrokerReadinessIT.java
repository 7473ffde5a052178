package orderflow.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker that goes silent without closing the socket (a network black hole, a frozen node) makes
 * the service not ready: the client's heartbeat detection closes the connection after two silent
 * intervals, and recovery brings it back once the broker answers again.
 */
@ExtendWith(RabbitMqExtension.class)
class SilentBrokerReadinessIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path dir;
  private ServiceMain.RunningService service;

  @AfterEach
  void stop() {
    if (service != null) {
      service.stop();
    }
  }

  @Test
  void aSilentBrokerMakesTheServiceNotReadyUntilItAnswersAgain(TestBroker broker) throws Exception {
    try (TcpProxy blackHole = new TcpProxy(broker.uri())) {
      URI heartbeatEvery3s = URI.create(blackHole.uri(broker.uri()) + "?heartbeat=3");
      start(new BrokerSettings(heartbeatEvery3s, broker.namespace()));
      TestBroker.await("ready", DEADLINE, () -> ready().statusCode() == 200);

      blackHole.freeze();
      AtomicReference<HttpResponse<String>> silentReply = new AtomicReference<>();
      TestBroker.await(
          "not ready for silence",
          DEADLINE,
          () -> {
            silentReply.set(ready());
            return silentReply.get().statusCode() == 503;
          });
      assertTrue(
          silentReply.get().body().contains("closed"),
          "the connection is reported closed: " + silentReply.get().body());

      blackHole.thaw();
      TestBroker.await("ready again", DEADLINE, () -> ready().statusCode() == 200);
      assertEquals(200, ready().statusCode());
    }
  }

  private void start(BrokerSettings settings) throws Exception {
    ScriptedService.reset();
    ConsumerSettings consumer = ServiceFixture.quickSettings().build();
    service =
        ServiceMain.start(
            settings, consumer, TestDatabases.sqlite(dir), ScriptedService.definition());
  }

  private HttpResponse<String> ready() {
    return ServiceFixture.get(service, "/health/ready");
  }
}
