package orderflow.shipping;

import static orderflow.shipping.Reservations.newOrderId;
import static orderflow.shipping.Reservations.reserved;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import orderflow.consume.process.ServiceMain;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.ReservedItem;
import orderflow.publish.EventMessages;
import orderflow.publish.OutgoingMessage;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TestBroker;
import orderflow.testing.TestDatabases;
import orderflow.testing.TestSettings;
import orderflow.topology.RetryTiers;
import orderflow.topology.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric the Grafana dashboard, the Prometheus configuration and the alert rules
 * (deploy/prometheus/alerts.yaml) refer to exists on a running service's /metrics, or is a
 * documented metric of another exporter, so neither a panel nor an alert can point at a metric that
 * does not exist. The service gets deliveries, handled events, duplicates, retries (a failure
 * injected into half its calls) and a dead letter (a malformed body), because counters appear on
 * /metrics once they have counted.
 */
@ExtendWith(RabbitMqExtension.class)
class DashboardMetricsIT {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final Pattern METRIC =
      Pattern.compile("\\b(orderflow_[a-z0-9_]+|rabbitmq_[a-z0-9_]+)\\b");

  /** A metric selector in a PromQL expression: the rules write every one with braces. */
  private static final Pattern SELECTOR = Pattern.compile("\\b([a-zA-Z_:][a-zA-Z0-9_:]*)\\{");

  /**
   * Metrics of other exporters (not on every test machine), checked against this list, which names
   * only metrics their documentation lists: RabbitMQ's Prometheus plugin (enabled in the compose
   * image and by the cluster operator, /metrics/per-object), kube-state-metrics, the kubelet's
   * volume statistics, and Prometheus's own {@code up}.
   */
  private static final Set<String> OTHER_EXPORTERS =
      Set.of(
          "rabbitmq_queue_messages_ready",
          "rabbitmq_queue_messages_unacked",
          "rabbitmq_queue_consumers",
          "kube_pod_status_ready",
          "kubelet_volume_stats_used_bytes",
          "kubelet_volume_stats_capacity_bytes",
          "up");

  /**
   * The order API's counters: only the order service (producer serve) has them, and only once an
   * API request came in; OrderApiAuthIT finds them on its /metrics.
   */
  private static final Set<String> ORDER_API =
      Set.of("orderflow_api_requests_total", "orderflow_api_refusals_total");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TempDir Path dir;
  private ServiceMain.RunningService service;

  @AfterEach
  void stopService() {
    if (service != null) {
      service.stop();
    }
  }

  @Test
  void everyMetricTheDashboardAndPrometheusReferToIsOnTheServicesMetricsEndpoint(TestBroker broker)
      throws Exception {
    Set<String> referred = referredMetrics();
    assertTrue(referred.size() >= 10, "the dashboard refers to " + referred);
    assertTrue(referred.contains("rabbitmq_queue_consumers"), "the alert rules are read");
    assertTrue(referred.containsAll(ORDER_API), "the refusal alert reads " + ORDER_API);
    Topology topology = broker.topology(new RetryTiers(java.util.List.of(Duration.ofMillis(100))));
    service =
        ServiceMain.start(
            broker.settings(),
            TestSettings.builder()
                .prefetch(10)
                .tiers(topology.tiers())
                .maxRetries(3)
                .injectFailureRate(0.5)
                .breakerThreshold(1_000)
                .breakerReset(Duration.ofSeconds(1))
                .batchSize(10)
                .shutdownTimeout(Duration.ofSeconds(10))
                .httpPort(0)
                .build(),
            TestDatabases.sqlite(dir),
            ShippingService.definition(Clock.systemUTC()));
    publishOrdersAndOneMalformedBody(broker, topology);

    Set<String> missing = new TreeSet<>();
    try {
      TestBroker.await(
          "every orderflow metric of the dashboard on /metrics",
          DEADLINE,
          () -> {
            String scrape = scrape(service.httpPort());
            missing.clear();
            for (String name : referred) {
              if (name.startsWith("orderflow_")
                  && !ORDER_API.contains(name)
                  && !Pattern.compile("(?m)^" + name + "[{ ]").matcher(scrape).find()) {
                missing.add(name);
              }
            }
            return missing.isEmpty();
          });
    } catch (AssertionError timedOut) {
      // Name what is missing, with what the service does expose.
      assertEquals(Set.of(), missing, scrapedNames(scrape(service.httpPort())).toString());
    }
    for (String name : referred) {
      assertTrue(
          name.startsWith("orderflow_") || OTHER_EXPORTERS.contains(name),
          name + " is neither ours nor a documented metric of another exporter");
    }
  }

  private static Set<String> scrapedNames(String scrape) {
    Set<String> names = new TreeSet<>();
    Matcher matcher = Pattern.compile("(?m)^(orderflow_[a-z0-9_]+)").matcher(scrape);
    while (matcher.find()) {
      names.add(matcher.group(1));
    }
    return names;
  }

  private static Set<String> referredMetrics() throws IOException {
    Path root = repositoryRoot();
    Set<String> names = new TreeSet<>();
    for (Path file :
        java.util.List.of(
            root.resolve("docker/grafana/dashboards/orderflow.json"),
            root.resolve("docker/prometheus/prometheus.yml"))) {
      Matcher matcher = METRIC.matcher(Files.readString(file));
      while (matcher.find()) {
        names.add(matcher.group(1));
      }
    }
    JsonNode rules = YAML.readTree(root.resolve("deploy/prometheus/alerts.yaml").toFile());
    for (JsonNode group : rules.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        Matcher matcher = SELECTOR.matcher(rule.path("expr").asText());
        while (matcher.find()) {
          names.add(matcher.group(1));
        }
      }
    }
    return names;
  }

  private static void publishOrdersAndOneMalformedBody(TestBroker broker, Topology topology)
      throws Exception {
    EventMessages messages = new EventMessages(new EventCodec());
    try (Channel channel = broker.connection().createChannel()) {
      channel.confirmSelect();
      for (int i = 0; i < 20; i++) {
        EventEnvelope event = reserved(newOrderId(), new ReservedItem("P" + i, 1));
        OutgoingMessage message = messages.toMessage(event, topology.ordersExchange());
        // Twice: the inbox absorbs the second copy and counts a duplicate.
        for (int copy = 0; copy < 2; copy++) {
          channel.basicPublish(
              message.exchange(), message.routingKey(), true, message.properties(), message.body());
        }
      }
      channel.basicPublish(
          topology.ordersExchange(),
          "inventory.reserved",
          true,
          new AMQP.BasicProperties.Builder().deliveryMode(2).build(),
          "{not json".getBytes(StandardCharsets.UTF_8));
      channel.waitForConfirmsOrDie(DEADLINE.toMillis());
    }
  }

  private static String scrape(int port) {
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      return response.body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("docker/grafana"))
          && Files.isRegularFile(dir.resolve("mvnw"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "docker/grafana not found above " + Path.of("").toAbsolutePath());
  }
}
