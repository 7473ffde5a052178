package orderflow.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import orderflow.config.BrokerSettings;
import orderflow.observe.HealthServer;
import orderflow.topology.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.postgresql.Driver;
import org.postgresql.PGEnvironment;
import picocli.CommandLine.ParseResult;

/**
 * The rendered manifests agree with each other and with the programs: args the program parses,
 * environment it reads, files it is told to read mounted from existing Secret keys, probes on the
 * port it serves and the paths it answers, autoscalers on existing Deployments and the right
 * queues, selectors that select something, and (dev) credentials that fit the URIs.
 */
class KubernetesCrossReferencesTest {
  static final List<String> OVERLAYS = RenderedOverlay.OVERLAYS;

  /** Seed 001: every 30 s, a 5 s timeout, 3 failures before a replica is taken out. */
  private static final int PROBE_PERIOD_SECONDS = 30;

  private static final int PROBE_TIMEOUT_SECONDS = 5;
  private static final int PROBE_FAILURES = 3;

  /** Read by the JVM itself, or by pgjdbc ({@link PGEnvironment}), not by our options. */
  private static final Set<String> RUNTIME_ENVIRONMENT =
      Set.of("JAVA_TOOL_OPTIONS", PGEnvironment.PGPASSFILE.getName());

  /** Read by every command through its broker options, beside the {@code ${env:..}} defaults. */
  private static final Set<String> BROKER_ENVIRONMENT =
      Set.of(BrokerSettings.URI_ENV, BrokerSettings.URI_FILE_ENV, BrokerSettings.TLS_CA_ENV);

  /** The work queue each autoscaled Deployment consumes. */
  private static final Map<String, String> WORK_QUEUES =
      Map.of(
          "consumer-inventory", Topology.INVENTORY_QUEUE,
          "consumer-shipping", Topology.SHIPPING_QUEUE);

  @ParameterizedTest
  @FieldSource("OVERLAYS")
  void everyContainersArgsParseAndItsEnvironmentIsReadByTheProgram(String overlay) {
    for (PodContainer container : PodContainer.in(RenderedOverlay.of(overlay))) {
      String image = container.container().path("image").asText();
      ParseResult parsed = ProgramCommandLines.parse(image, container.args());
      assertTrue(ProgramCommandLines.leaf(parsed).unmatched().isEmpty(), container.describe());
      Set<String> read = new TreeSet<>(ProgramCommandLines.environmentRead(image, parsed));
      assertTrue(read.contains(BrokerSettings.NAMESPACE_ENV), container.describe() + ": " + read);
      read.addAll(BROKER_ENVIRONMENT);
      read.addAll(RUNTIME_ENVIRONMENT);
      for (JsonNode variable : container.container().path("env")) {
        String name = variable.path("name").asText();
        assertTrue(read.contains(name), container.describe() + ": nothing reads " + name);
      }
    }
  }

  @ParameterizedTest
  @FieldSource("OVERLAYS")
  void filesTheProgramsReadAreMountedFromSecretKeysThatExist(String overlay) {
    RenderedOverlay rendered = RenderedOverlay.of(overlay);
    for (PodContainer container : PodContainer.in(rendered)) {
      String uriFile = container.argument("--uri-file").orElseThrow(() -> missing(container));
      PodContainer.SecretFile uri =
          container.secretFile(uriFile).orElseThrow(() -> notMounted(container, uriFile));
      assertEquals("uri", uri.key(), container.describe());
      if (container.argument("--db").isPresent()) {
        String pgpassFile =
            container.env(PGEnvironment.PGPASSFILE.getName()).orElseThrow(() -> missing(container));
        PodContainer.SecretFile pgpass =
            container.secretFile(pgpassFile).orElseThrow(() -> notMounted(container, pgpassFile));
        assertEquals("pgpass", pgpass.key(), container.describe());
      }
    }
    // Secrets named anywhere, with the keys read from them, exist in dev with those keys;
    // production renders none (they come from outside) but names exactly the same ones.
    Map<String, Set<String>> referenced = SecretReferences.in(rendered);
    Map<String, Set<String>> devReferenced = SecretReferences.in(RenderedOverlay.of("dev"));
    assertEquals(devReferenced, referenced, overlay + " names other secrets or keys than dev");
    if (overlay.equals("dev")) {
      for (Map.Entry<String, Set<String>> secret : referenced.entrySet()) {
        JsonNode data =
            rendered
                .find("Secret", secret.getKey())
                .orElseThrow(() -> new AssertionError("no Secret " + secret.getKey()))
                .path("data");
        for (String key : secret.getValue()) {
          assertTrue(data.has(key), "Secret " + secret.getKey() + " has no key " + key);
        }
      }
    }
  }

  @ParameterizedTest
  @FieldSource("OVERLAYS")
  void probesAskThePortTheProgramServesForPathsItAnswersAtTheSeedsValues(String overlay) {
    for (PodContainer container : PodContainer.in(RenderedOverlay.of(overlay))) {
      if (!container.workload().path("kind").asText().equals("Deployment")) {
        continue;
      }
      JsonNode c = container.container();
      int httpPort = container.port("http").orElseThrow(() -> missing(container));
      assertEquals(
          String.valueOf(httpPort),
          container.argument("--http-port").orElseThrow(() -> missing(container)),
          container.describe());
      assertEquals("0.0.0.0", container.argument("--http-bind").orElse("127.0.0.1"));
      Map<String, String> paths =
          Map.of(
              "livenessProbe", HealthServer.LIVE_PATH,
              "readinessProbe", HealthServer.READY_PATH,
              "startupProbe", HealthServer.LIVE_PATH);
      for (Map.Entry<String, String> probe : paths.entrySet()) {
        JsonNode get = c.path(probe.getKey()).path("httpGet");
        String where = container.describe() + " " + probe.getKey();
        assertEquals(probe.getValue(), get.path("path").asText(), where);
        assertTrue(container.port(get.path("port").asText()).isPresent(), where);
      }
      for (String probe : List.of("livenessProbe", "readinessProbe")) {
        JsonNode p = c.path(probe);
        String where = container.describe() + " " + probe;
        assertEquals(PROBE_PERIOD_SECONDS, p.path("periodSeconds").asInt(), where);
        assertEquals(PROBE_TIMEOUT_SECONDS, p.path("timeoutSeconds").asInt(), where);
        assertEquals(PROBE_FAILURES, p.path("failureThreshold").asInt(), where);
      }
      JsonNode annotations = container.workload().at("/spec/template/metadata/annotations");
      assertEquals(String.valueOf(httpPort), annotations.path("prometheus.io/port").asText());
      assertEquals(HealthServer.METRICS_PATH, annotations.path("prometheus.io/path").asText());

      Duration drain =
          Duration.parse(
              "PT"
                  + container.argument("--shutdown-timeout").orElseThrow(() -> missing(container)));
      long grace = container.podSpec().path("terminationGracePeriodSeconds").asLong();
      assertTrue(
          grace > drain.toSeconds(),
          container.describe() + ": grace " + grace + " s must outlast the drain " + drain);
    }
  }

  @ParameterizedTest
  @FieldSource("OVERLAYS")
  void scaledObjectsScaleExistingDeploymentsOnTheirOwnWorkQueue(String overlay) {
    RenderedOverlay rendered = RenderedOverlay.of(overlay);
    List<JsonNode> scaledObjects = rendered.ofKind("ScaledObject");
    Set<String> scaled = new TreeSet<>();
    for (JsonNode scaledObject : scaledObjects) {
      String target = scaledObject.at("/spec/scaleTargetRef/name").asText();
      scaled.add(target);
      JsonNode deployment =
          rendered
              .find("Deployment", target)
              .orElseThrow(() -> new AssertionError("no Deployment " + target));
      assertTrue(deployment.at("/spec/replicas").isMissingNode(), target + " fixes its replicas");
      JsonNode requests = deployment.at("/spec/template/spec/containers/0/resources/requests");
      assertTrue(
          requests.has("cpu") && requests.has("memory"), target + ": utilisation needs both");
      assertEquals(2, scaledObject.at("/spec/minReplicaCount").asInt(), target);
      assertTrue(scaledObject.at("/spec/maxReplicaCount").asInt() >= 2, target);
      for (JsonNode trigger : scaledObject.at("/spec/triggers")) {
        if (trigger.path("type").asText().equals("rabbitmq")) {
          assertEquals(WORK_QUEUES.get(target), trigger.at("/metadata/queueName").asText(), target);
          assertEquals("1000", trigger.at("/metadata/value").asText(), target);
          String auth = trigger.at("/authenticationRef/name").asText();
          assertTrue(rendered.find("TriggerAuthentication", auth).isPresent(), auth);
        }
      }
    }
    assertEquals(WORK_QUEUES.keySet(), scaled, overlay);
  }

  @ParameterizedTest
  @FieldSource("OVERLAYS")
  void everySelectorSelectsAPodTemplate(String overlay) {
    RenderedOverlay rendered = RenderedOverlay.of(overlay);
    List<JsonNode> podLabels = new ArrayList<>();
    for (PodContainer container : PodContainer.in(rendered)) {
      podLabels.add(container.workload().at("/spec/template/metadata/labels"));
    }
    List<String> unmatched = new ArrayList<>();
    for (String kind : List.of("Service", "PodDisruptionBudget", "NetworkPolicy")) {
      for (JsonNode object : rendered.ofKind(kind)) {
        JsonNode selector =
            kind.equals("Service")
                ? object.at("/spec/selector")
                : kind.equals("NetworkPolicy")
                    ? object.at("/spec/podSelector/matchLabels")
                    : object.at("/spec/selector/matchLabels");
        if (podLabels.stream().noneMatch(labels -> contains(labels, selector))) {
          unmatched.add(RenderedOverlay.describe(object) + " " + selector);
        }
      }
    }
    assertEquals(List.of(), unmatched);
    assertEquals(3, rendered.ofKind("PodDisruptionBudget").size());
  }

  @ParameterizedTest
  @FieldSource("OVERLAYS")
  void databaseUrlsNameTheClustersPrimaryAndADatabaseOwnedByTheirUser(String overlay)
      throws Exception {
    RenderedOverlay rendered = RenderedOverlay.of(overlay);
    JsonNode cluster = rendered.ofKind("Cluster").get(0);
    Set<String> roles = new TreeSet<>();
    cluster.at("/spec/managed/roles").forEach(r -> roles.add(r.path("name").asText()));
    for (PodContainer container : PodContainer.in(rendered)) {
      if (container.argument("--db").isEmpty()) {
        continue;
      }
      Properties url = Driver.parseURL(container.argument("--db").orElseThrow(), null);
      assertEquals(cluster.at("/metadata/name").asText() + "-rw", url.getProperty("PGHOST"));
      String user = url.getProperty("user");
      String database = url.getProperty("PGDBNAME");
      assertTrue(roles.contains(user), container.describe() + ": no managed role " + user);
      assertTrue(
          rendered.ofKind("Database").stream()
              .anyMatch(
                  d ->
                      d.at("/spec/name").asText().equals(database)
                          && d.at("/spec/owner").asText().equals(user)),
          container.describe() + ": no Database " + database + " owned by " + user);
      if (overlay.equals("dev")) {
        String pgpassSecret =
            container
                .secretFile(container.env("PGPASSFILE").orElseThrow())
                .orElseThrow()
                .secretName();
        JsonNode data = rendered.find("Secret", pgpassSecret).orElseThrow().path("data");
        String expected =
            String.join(
                ":",
                url.getProperty("PGHOST"),
                url.getProperty("PGPORT"),
                database,
                user,
                decode(data, "password"));
        assertEquals(expected, decode(data, "pgpass"), pgpassSecret);
        assertEquals(user, decode(data, "username"), pgpassSecret);
      }
    }
  }

  @Test
  void devBrokerUrisCarryTheirSecretsAccountAndNameTheBroker() {
    RenderedOverlay dev = RenderedOverlay.of("dev");
    String broker = dev.ofKind("RabbitmqCluster").get(0).at("/metadata/name").asText();
    for (JsonNode user : dev.ofKind("User")) {
      String secretName = user.at("/spec/importCredentialsSecret/name").asText();
      JsonNode data = dev.find("Secret", secretName).orElseThrow().path("data");
      URI uri = URI.create(decode(data, "uri"));
      assertEquals(broker, uri.getHost(), secretName);
      assertEquals(5672, uri.getPort(), secretName);
      assertEquals(
          decode(data, "username") + ":" + decode(data, "password"), uri.getUserInfo(), secretName);
      assertEquals(user.at("/metadata/name").asText(), decode(data, "username"), secretName);
    }
    assertFalse(dev.ofKind("User").isEmpty());
  }

  private static boolean contains(JsonNode labels, JsonNode selector) {
    if (selector.isMissingNode() || selector.size() == 0) {
      return false;
    }
    for (Map.Entry<String, JsonNode> entry : selector.properties()) {
      if (!labels.path(entry.getKey()).asText().equals(entry.getValue().asText())) {
        return false;
      }
    }
    return true;
  }

  private static String decode(JsonNode data, String key) {
    return new String(
        Base64.getMimeDecoder().decode(data.path(key).asText()), StandardCharsets.UTF_8);
  }

  private static AssertionError missing(PodContainer container) {
    return new AssertionError(container.describe() + ": a flag, port or variable is missing");
  }

  private static AssertionError notMounted(PodContainer container, String file) {
    return new AssertionError(container.describe() + ": " + file + " is no mounted Secret key");
  }
}
