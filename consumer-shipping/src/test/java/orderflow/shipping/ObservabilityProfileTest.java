package orderflow.shipping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The compose profile {@code observability}, read without a Docker engine: Prometheus and Grafana
 * only under it, every file they mount present, Prometheus scraping each service of the stack on
 * the port it serves /metrics on and loading the alert rules, Grafana provisioned with the
 * Prometheus data source and the dashboard.
 */
class ObservabilityProfileTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static Path root;
  private static JsonNode services;

  @BeforeAll
  static void readComposeFile() throws IOException {
    root = Path.of("").toAbsolutePath();
    while (!Files.isRegularFile(root.resolve("compose.yaml"))) {
      root = root.getParent();
    }
    services = YAML.readTree(root.resolve("compose.yaml").toFile()).path("services");
  }

  @Test
  void prometheusGrafanaAndJaegerStartOnlyUnderTheObservabilityProfile() {
    for (String name : List.of("prometheus", "grafana", "jaeger")) {
      assertEquals("[\"observability\"]", services.path(name).path("profiles").toString(), name);
    }
  }

  @Test
  void everyFileTheyMountIsInTheRepository() {
    for (String name : List.of("prometheus", "grafana")) {
      for (JsonNode volume : services.path(name).path("volumes")) {
        String source = volume.asText().split(":")[0];
        assertTrue(Files.exists(root.resolve(source)), name + " mounts missing " + source);
      }
    }
  }

  @Test
  void prometheusScrapesBothConsumersAndTheOrderServiceOnTheirHttpPort() throws IOException {
    JsonNode config = YAML.readTree(root.resolve("docker/prometheus/prometheus.yml").toFile());
    Set<String> targets = new TreeSet<>();
    for (JsonNode job : config.path("scrape_configs")) {
      for (JsonNode staticConfig : job.path("static_configs")) {
        staticConfig.path("targets").forEach(t -> targets.add(t.asText()));
      }
    }
    for (String service : List.of("consumer-inventory", "consumer-shipping", "order-service")) {
      String port = httpPort(services.path(service));
      assertTrue(targets.contains(service + ":" + port), service + ":" + port + " in " + targets);
    }
    assertTrue(targets.contains("rabbitmq:15692"), "the broker's Prometheus endpoint: " + targets);
  }

  @Test
  void prometheusLoadsTheAlertRulesMountedFromDeploy() throws IOException {
    JsonNode config = YAML.readTree(root.resolve("docker/prometheus/prometheus.yml").toFile());
    List<String> mounts = new ArrayList<>();
    services.path("prometheus").path("volumes").forEach(v -> mounts.add(v.asText()));
    List<String> ruleFiles = new ArrayList<>();
    config.path("rule_files").forEach(f -> ruleFiles.add(f.asText()));
    assertEquals(List.of("/etc/prometheus/alerts.yaml"), ruleFiles);
    assertTrue(
        mounts.contains("./deploy/prometheus/alerts.yaml:/etc/prometheus/alerts.yaml:ro"),
        mounts.toString());
  }

  @Test
  void grafanaIsProvisionedWithPrometheusAndTheDashboard() throws IOException {
    JsonNode datasources =
        YAML.readTree(
            root.resolve("docker/grafana/provisioning/datasources/prometheus.yaml").toFile());
    JsonNode prometheus = datasources.path("datasources").get(0);
    assertEquals("prometheus", prometheus.path("uid").asText());
    assertEquals("http://prometheus:9090", prometheus.path("url").asText());
    JsonNode dashboard =
        new ObjectMapper()
            .readTree(root.resolve("docker/grafana/dashboards/orderflow.json").toFile());
    List<String> titles = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      titles.add(panel.path("title").asText());
      assertEquals("prometheus", panel.at("/datasource/uid").asText(), panel.toString());
      assertTrue(panel.path("targets").size() > 0, panel.path("title").asText());
    }
    assertTrue(titles.size() >= 8, titles.toString());
  }

  @Test
  void everyServiceTracesToJaegerOverOtlpOnlyWhenAskedTo() throws IOException {
    JsonNode jaeger = services.path("jaeger");
    assertEquals("true", jaeger.at("/environment/COLLECTOR_OTLP_ENABLED").asText());
    assertTrue(jaeger.path("ports").toString().contains("\"4318:4318\""), jaeger.toString());
    assertTrue(jaeger.path("ports").toString().contains("\"16686:16686\""), jaeger.toString());
    for (String service : List.of("consumer-inventory", "consumer-shipping", "order-service")) {
      JsonNode environment = services.path(service).path("environment");
      assertEquals(
          "http://jaeger:4318", environment.path("OTEL_EXPORTER_OTLP_ENDPOINT").asText(), service);
      assertEquals(
          "${OTEL_TRACES_EXPORTER:-none}",
          environment.path("OTEL_TRACES_EXPORTER").asText(),
          service + ": off unless asked for");
    }
    JsonNode datasource =
        YAML.readTree(root.resolve("docker/grafana/provisioning/datasources/jaeger.yaml").toFile())
            .path("datasources")
            .get(0);
    assertEquals("jaeger", datasource.path("type").asText());
    assertEquals("http://jaeger:16686", datasource.path("url").asText());
    JsonNode links =
        new ObjectMapper()
            .readTree(root.resolve("docker/grafana/dashboards/orderflow.json").toFile())
            .path("links");
    assertTrue(
        links.toString().contains("http://localhost:16686/search?service=orders"),
        "the dashboard links to the order service's traces: " + links);
  }

  /** The port after {@code --http-port} in the service's command. */
  private static String httpPort(JsonNode service) {
    JsonNode command = service.path("command");
    for (int i = 0; i < command.size() - 1; i++) {
      if (command.get(i).asText().equals("--http-port")) {
        return command.get(i + 1).asText();
      }
    }
    throw new AssertionError("no --http-port in " + command);
  }
}
