package orderflow.shipping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import orderflow.consume.engine.ConsumerSettings;
import orderflow.consume.process.ServiceMain;
import orderflow.envelope.EventCodec;
import orderflow.inventory.InventoryService;
import orderflow.testing.BrokerAccounts;
import orderflow.testing.ExternalTool;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TestBroker;
import orderflow.testing.TestDatabases;
import orderflow.testing.TestSettings;
import orderflow.topology.RetryTiers;
import orderflow.topology.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The example Python consumer ({@code examples/python-consumer}, pika and jsonschema) beside the
 * real services: a saga of 50 orders, a fifth of them cancelled, must reach it whole and every
 * event must be valid against the schemas; a forged event must be reported invalid.
 */
@ExtendWith(RabbitMqExtension.class)
class PythonConsumerIT {
  private static final int ORDERS = 50;
  private static final RetryTiers TIERS = RetryTiers.parse("100ms,300ms");
  private static final Duration DEADLINE = Duration.ofSeconds(120);
  private static final String FORGED_ID = "0b7e6f0e-3f43-4d5e-9d0b-5d1f3c6a9e01";

  @TempDir Path dir;

  @Test
  void validatesEveryEventOfASagaOfFiftyOrdersAndReportsAForgedOne(TestBroker broker)
      throws Exception {
    String python = ExternalTool.python("pika", "jsonschema");
    Topology topology = broker.topology(TIERS);
    String observed = broker.namespace() + ".contract-observer";
    broker.deleteAfter(observed);
    broker.deleteAfter(broker.namespace() + ".python-consumer");
    Set<String> routed = ConcurrentHashMap.newKeySet();
    Channel observer = broker.connection().createChannel();
    topology.declare(observer);
    observer.queueDeclare(observed, false, false, false, null);
    observer.queueBind(observed, topology.ordersExchange(), "#");
    observer.basicConsume(
        observed,
        true,
        (tag, delivery) -> routed.add(delivery.getProperties().getMessageId()),
        tag -> {});

    Map<String, JsonNode> printed = new ConcurrentHashMap<>();
    Path stderr = dir.resolve("python-consumer.err");
    Process consumer = startConsumer(python, broker, stderr, printed);
    ServiceMain.RunningService inventory =
        ServiceMain.start(
            broker.settings(),
            settings(),
            TestDatabases.sqlite(dir),
            InventoryService.definition(20));
    ServiceMain.RunningService shipping =
        ServiceMain.start(
            broker.settings(),
            settings(),
            TestDatabases.sqlite(dir),
            ShippingService.definition(Clock.systemUTC()));
    try {
      TestBroker.await(
          "the Python consumer to start consuming",
          DEADLINE,
          () -> read(stderr).contains("consuming") || !consumer.isAlive());
      assertTrue(consumer.isAlive(), "the Python consumer stopped: " + read(stderr));

      String saga = runSaga(broker);
      publishForged(observer, topology);

      TestBroker.await(
          "the Python consumer to print every event the exchange routed",
          DEADLINE,
          () -> routed.contains(FORGED_ID) && printed.keySet().containsAll(routed));
      assertTrue(routed.size() > 2 * ORDERS, "a saga's events: " + routed.size());

      JsonNode forged = printed.remove(FORGED_ID);
      assertFalse(forged.get("valid").asBoolean(), forged.toString());
      assertTrue(forged.get("errors").toString().contains("quantity"), forged.toString());
      List<JsonNode> invalid =
          printed.values().stream().filter(line -> !line.get("valid").asBoolean()).toList();
      assertEquals(List.of(), invalid, "events the Python consumer found invalid");
      Set<String> types =
          printed.values().stream()
              .map(line -> line.get("eventType").asText() + " v" + line.get("version").asText())
              .collect(Collectors.toCollection(TreeSet::new));
      assertTrue(
          types.containsAll(
              Set.of(
                  "OrderCreated v3",
                  "InventoryReserved v2",
                  "OrderShipped v2",
                  "OrderCancelled v2")),
          types + " after " + saga);
      System.err.println("[it] the Python consumer validated " + printed.size() + ": " + types);
    } finally {
      consumer.destroy();
      shipping.stop();
      inventory.stop();
      observer.close();
    }
    assertTrue(consumer.waitFor(30, TimeUnit.SECONDS), "the Python consumer stops on SIGTERM");
    assertEquals(0, consumer.exitValue(), read(stderr));
  }

  private static Process startConsumer(
      String python, TestBroker broker, Path stderr, Map<String, JsonNode> printed)
      throws Exception {
    Path script = BrokerAccounts.repositoryRoot().resolve("examples/python-consumer/consumer.py");
    Process process =
        new ProcessBuilder(
                python,
                script.toString(),
                "--uri",
                broker.uriString(),
                "--namespace",
                broker.namespace(),
                "--json")
            .redirectError(stderr.toFile())
            .start();
    Thread reader =
        new Thread(
            () -> readLines(process, line -> printed.put(line.path("eventId").asText(), line)),
            "python-consumer-stdout");
    reader.setDaemon(true);
    reader.start();
    return process;
  }

  private static void readLines(Process process, java.util.function.Consumer<JsonNode> sink) {
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        sink.accept(EventCodec.mapper().readTree(line));
      }
    } catch (java.io.IOException e) {
      // The process ended: what it printed is all there is.
    }
  }

  /** {@code producer saga}: 50 orders, a fifth cancelled at random moments, each to its end. */
  private static String runSaga(TestBroker broker) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine saga = orderflow.producer.Drivers.commandLine();
    saga.setOut(new PrintWriter(out, true));
    saga.setErr(new PrintWriter(err, true));
    int exit =
        saga.execute(
            "saga",
            "--uri",
            broker.uriString(),
            "--namespace",
            broker.namespace(),
            "--count",
            String.valueOf(ORDERS),
            "--cancel-rate",
            "0.2",
            "--timeout",
            "90s",
            "--json");
    assertEquals(0, exit, out + "\n" + err);
    return out.toString();
  }

  /** An OrderCreated with a quantity of 0, on a routing key no service binds. */
  private static void publishForged(Channel channel, Topology topology) throws Exception {
    String body =
        "{\"eventId\":\""
            + FORGED_ID
            + "\",\"eventType\":\"OrderCreated\",\"timestamp\":\"2026-12-01T10:00:00.000Z\","
            + "\"payload\":{\"orderId\":\"forged-1\",\"customerId\":\"c\",\"items\":[{\"productId\":"
            + "\"sku-1\",\"quantity\":0,\"price\":1.00}],\"totalAmount\":0},\"metadata\":{\"source\":"
            + "\"test\",\"version\":\"3\",\"correlationId\":\"forged-1\",\"causationId\":null}}";
    AMQP.BasicProperties properties =
        new AMQP.BasicProperties.Builder()
            .messageId(FORGED_ID)
            .contentType("application/json")
            .build();
    channel.basicPublish(
        topology.ordersExchange(),
        "contract.forged",
        properties,
        body.getBytes(StandardCharsets.UTF_8));
  }

  private static ConsumerSettings settings() {
    return TestSettings.builder()
        .prefetch(100)
        .tiers(TIERS)
        .maxRetries(3)
        .breakerThreshold(100_000)
        .breakerReset(Duration.ofSeconds(1))
        .batchSize(50)
        .shutdownTimeout(Duration.ofSeconds(20))
        .build();
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
