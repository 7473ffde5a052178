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
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import orderflow.config.BrokerSettings;
import orderflow.observe.HealthServer;
import orderflow.privacy.MasterKeys;
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

  /** Read by the order service's {@link MasterKeys}, not through an option. */
  private static final Set<String> MASTER_KEY_ENVIRONMENT =
      Set.of(MasterKeys.KEYS_ENV, MasterKeys.FILE_ENV, MasterKeys.REQUIRE_ENV);

  /** {@code $(NAME)} in args: Kubernetes puts the container's variable NAME there. */
  private static final Pattern DEPENDENT_VARIABLE =
      Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  /** The keys of a kubernetes.io/tls Secret. */
  private static final Set<String> TLS_KEYS = Set.of("tls.crt", "tls.key");

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
      if (image.startsWith("orderflow/producer")) {
        read.addAll(MASTER_KEY_ENVIRONMENT);
      }
      Set<String> defined = new TreeSet<>();
      container.container().path("env").forEach(v -> defined.add(v.path("name").asText()));
      for (String arg : container.args()) {
        Matcher variable = DEPENDENT_VARIABLE.matcher(arg);
        while (variable.find()) {
          String name = variable.group(1);
          assertTrue(defined.contains(name), container.describe() + ": no variable " + name);
          read.add(name);
        }
      }
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
      PodContainer.MountedKey uri =
          container.secretFile(uriFile).orElseThrow(() -> notMounted(container, uriFile));
      assertEquals("uri", uri.key(), container.describe());
      if (container.argument("--db").isPresent()) {
        String pgpassFile =
            container.env(PGEnvironment.PGPASSFILE.getName()).orElseThrow(() -> missing(container));
        PodContainer.MountedKey pgpass =
            container.secretFile(pgpassFile).orElseThrow(() -> notMounted(container, pgpassFile));
        assertEquals("pgpass", pgpass.key(), container.describe());
      }
      container
          .env(MasterKeys.FILE_ENV)
          .ifPresent(
              file -> container.secretFile(file).orElseThrow(() -> notMounted(container, file)));
      container
          .argument("--auth-jwks")
          .filter(jwks -> !jwks.startsWith("https://"))
          .ifPresent(
              jwks -> container.configMapFile(jwks).orElseThrow(() -> notMounted(container, jwks)));
    }
    // Secrets named anywhere, with the keys read from them, exist in dev with those keys;
    // production renders none (they come from outside) but names exactly the same ones, plus the
    // TLS secrets of --tls-cert and --tls-key.
    Map<String, Set<String>> referenced = SecretReferences.in(rendered);
    Map<String, Set<String>> tls = tlsSecrets(rendered);
    tls.values().forEach(keys -> assertEquals(TLS_KEYS, keys, overlay));
    referenced.keySet().removeAll(tls.keySet());
    RenderedOverlay dev = RenderedOverlay.of("dev");
    Map<String, Set<String>> devReferenced = SecretReferences.in(dev);
    devReferenced.keySet().removeAll(tlsSecrets(dev).keySet());
    assertEquals(devReferenced, referenced, overlay + " names other secrets or keys than dev");
    // Every ConfigMap key either overlay reads is one that dev's ConfigMap shows the format of.
    assertExist(dev, "ConfigMap", configMapReferences(rendered));
    if (overlay.equals("dev")) {
      assertExist(rendered, "Secret", referenced);
    } else {
      assertEquals(List.of(), rendered.ofKind("ConfigMap"), "production's come from outside");
    }
  }

  /** The Secrets mounted for --tls-cert and --tls-key, with the keys mounted. */
  private static Map<String, Set<String>> tlsSecrets(RenderedOverlay rendered) {
    Map<String, Set<String>> secrets = new TreeMap<>();
    for (PodContainer container : PodContainer.in(rendered)) {
      for (String flag : List.of("--tls-cert", "--tls-key")) {
        container
            .argument(flag)
            .ifPresent(
                file -> {
                  PodContainer.MountedKey key =
                      container.secretFile(file).orElseThrow(() -> notMounted(container, file));
                  secrets.computeIfAbsent(key.name(), n -> new TreeSet<>()).add(key.key());
                });
      }
    }
    return secrets;
  }

  /** ConfigMaps named by configMap volumes and configMapKeyRef variables, with their keys. */
  private static Map<String, Set<String>> configMapReferences(RenderedOverlay rendered) {
    Map<String, Set<String>> keys = new TreeMap<>();
    for (PodContainer container : PodContainer.in(rendered)) {
      for (JsonNode volume : container.podSpec().path("volumes")) {
        JsonNode configMap = volume.path("configMap");
        for (JsonNode item : configMap.path("items")) {
          keys.computeIfAbsent(configMap.path("name").asText(), n -> new TreeSet<>())
              .add(item.path("key").asText());
        }
      }
      for (JsonNode variable : container.container().path("env")) {
        JsonNode ref = variable.at("/valueFrom/configMapKeyRef");
        if (!ref.isMissingNode()) {
          keys.computeIfAbsent(ref.path("name").asText(), n -> new TreeSet<>())
              .add(ref.path("key").asText());
        }
      }
    }
    return keys;
  }

  private static void assertExist(
      RenderedOverlay rendered, String kind, Map<String, Set<String>> referenced) {
    for (Map.Entry<String, Set<String>> object : referenced.entrySet()) {
      JsonNode data =
          rendered
              .find(kind, object.getKey())
              .orElseThrow(() -> new AssertionError("no " + kind + " " + object.getKey()))
              .path("data");
      for (String key : object.getValue()) {
        assertTrue(data.has(key), kind + " " + object.getKey() + " has no key " + key);
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
      String httpPort = container.argument("--http-port").orElseThrow(() -> missing(container));
      assertTrue(
          container.containerPort(httpPort).isPresent(), container.describe() + " " + httpPort);
      // With --management-port, probes and metrics are there and no longer on --http-port.
      String probedPort = container.argument("--management-port").orElse(httpPort);
      String probedName =
          container
              .containerPort(probedPort)
              .orElseThrow(() -> missing(container))
              .path("name")
              .asText();
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
        assertEquals(probedName, get.path("port").asText(), where);
      }
      for (String probe : List.of("livenessProbe", "readinessProbe")) {
        JsonNode p = c.path(probe);
        String where = container.describe() + " " + probe;
        assertEquals(PROBE_PERIOD_SECONDS, p.path("periodSeconds").asInt(), where);
        assertEquals(PROBE_TIMEOUT_SECONDS, p.path("timeoutSeconds").asInt(), where);
        assertEquals(PROBE_FAILURES, p.path("failureThreshold").asInt(), where);
      }
      JsonNode annotations = container.workload().at("/spec/template/metadata/annotations");
      assertEquals(probedPort, annotations.path("prometheus.io/port").asText());
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
  void servicesExposeOnlyApiPortsNeverAManagementPort(String overlay) {
    RenderedOverlay rendered = RenderedOverlay.of(overlay);
    Set<String> managed = new TreeSet<>();
    for (JsonNode service : rendered.ofKind("Service")) {
      JsonNode selector = service.at("/spec/selector");
      for (PodContainer container : PodContainer.in(rendered)) {
        if (!contains(container.workload().at("/spec/template/metadata/labels"), selector)) {
          continue;
        }
        Optional<String> management = container.argument("--management-port");
        management.ifPresent(m -> managed.add(container.describe()));
        for (JsonNode port : service.at("/spec/ports")) {
          String target = port.path("targetPort").asText(port.path("port").asText());
          JsonNode containerPort =
              container
                  .containerPort(target)
                  .orElseThrow(
                      () -> new AssertionError(RenderedOverlay.describe(service) + " " + target));
          String number = containerPort.path("containerPort").asText();
          assertEquals(
              container.argument("--http-port").orElseThrow(() -> missing(container)),
              number,
              RenderedOverlay.describe(service)
                  + " exposes port "
                  + number
                  + " of "
                  + container.describe());
          assertFalse(management.equals(Optional.of(number)), RenderedOverlay.describe(service));
        }
      }
    }
    assertEquals(Set.of("apps/v1/Deployment order-service container order-service"), managed);
    // An Ingress reaches only ports of Services, which are API ports.
    for (JsonNode ingress : rendered.ofKind("Ingress")) {
      for (JsonNode backend : ingress.findValues("service")) {
        JsonNode service =
            rendered
                .find("Service", backend.path("name").asText())
                .orElseThrow(() -> new AssertionError(RenderedOverlay.describe(ingress)));
        JsonNode port = backend.path("port");
        boolean exposed = false;
        for (JsonNode servicePort : service.at("/spec/ports")) {
          exposed |=
              servicePort.path("name").asText().equals(port.path("name").asText())
                  || servicePort.path("port").asInt() == port.path("number").asInt(-1);
        }
        assertTrue(exposed, RenderedOverlay.describe(ingress) + " " + backend);
      }
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
            container.secretFile(container.env("PGPASSFILE").orElseThrow()).orElseThrow().name();
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
