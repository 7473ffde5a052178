package orderflow.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lost connection is one WARN with the cause on one line and one INFO when it is back, without
 * ERRORs or stack traces; a service has two (the consumer's and the outbox publisher's), both lost
 * here (issue 14 item 2: closing all connections used to write about 100 ERROR lines and 1,800
 * stack-trace frames).
 */
@ExtendWith(RabbitMqExtension.class)
class RecoveryLoggingIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void aLostConnectionIsOneWarningAndOneInfoWithoutErrorsOrStackTraces(TestBroker broker)
      throws Exception {
    String dbUrl = TestDatabases.sqlite(dir);
    String log;
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (TcpProxy network = new TcpProxy(broker.uri())) {
      ServiceMain.RunningService service =
          ServiceMain.start(
              new BrokerSettings(network.uri(broker.uri()), broker.namespace()),
              settings(),
              dbUrl,
              ScriptedService.definition());
      try {
        Topology topology = broker.topology(settings().tiers());
        network.dropConnections();
        TestOrders.publish(broker, topology, List.of(TestOrders.order("ok")));
        TestBroker.await("consuming after the reconnection", DEADLINE, () -> applied(dbUrl) == 1);
        TestBroker.await(
            "both recoveries logged",
            DEADLINE,
            () -> captured.toString(StandardCharsets.UTF_8).split("' back, to ", -1).length > 2);
      } finally {
        service.stop();
      }
    } finally {
      System.setErr(original);
      log = captured.toString(StandardCharsets.UTF_8);
      System.err.print(log);
    }

    List<String> lines = log.lines().toList();
    assertEquals(List.of(), lines.stream().filter(l -> l.contains(" ERROR ")).toList());
    assertEquals(
        List.of(),
        lines.stream().filter(l -> l.startsWith("\tat ") || l.startsWith("Caused by")).toList());
    List<String> lost =
        lines.stream().filter(l -> l.contains("WARN orderflow.broker.RecoveryLog")).toList();
    assertEquals(2, lost.size(), String.join("\n", lost));
    assertEquals(1, lost.stream().filter(l -> l.contains("/consumer@")).count(), lost.toString());
    assertEquals(1, lost.stream().filter(l -> l.contains("/publisher@")).count(), lost.toString());
    assertEquals(
        2, lines.stream().filter(l -> l.contains("INFO orderflow.broker.RecoveryLog")).count());
    assertEquals(
        List.of(),
        lines.stream()
            .filter(l -> l.contains(" WARN com.rabbitmq") || l.contains("QuietExceptionHandler"))
            .toList());
    // The publisher retries every second while the connection recovers: one line, not one a retry.
    List<String> relay =
        lines.stream().filter(l -> l.contains("WARN orderflow.outbox.OutboxPublisher")).toList();
    assertTrue(relay.size() <= 1, String.join("\n", relay));
  }

  private static ConsumerSettings settings() {
    return ServiceFixture.quickSettings().build();
  }

  private static long applied(String dbUrl) {
    return ServiceFixture.appliedCounts(dbUrl)[0];
  }
}
