package orderflow.shipping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reads compose.yaml and the files it refers to without a Docker engine, and checks that the stack
 * it describes can start in the right order and find everything it builds from.
 */
class ComposeFileTest {
  private static final List<String> CONSUMERS = List.of("consumer-inventory", "consumer-shipping");
  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");

  private static Path root;
  private static JsonNode compose;
  private static JsonNode services;

  @BeforeAll
  static void readComposeFile() throws IOException {
    root = repositoryRoot();
    compose = new ObjectMapper(new YAMLFactory()).readTree(root.resolve("compose.yaml").toFile());
    services = compose.path("services");
  }

  @Test
  void definesBrokerBothConsumersDemoAndPostgresOnlyUnderItsProfile() {
    for (String name :
        List.of("rabbitmq", "consumer-inventory", "consumer-shipping", "demo", "postgres")) {
      assertTrue(services.has(name), "service " + name + " is missing");
    }
    assertEquals(List.of("postgres"), texts(service("postgres").path("profiles")));
    assertEquals("postgres:15", service("postgres").path("image").asText());
    for (String name : List.of("rabbitmq", "consumer-inventory", "consumer-shipping", "demo")) {
      assertTrue(service(name).path("profiles").isMissingNode(), name + " must start by default");
    }
  }

  @Test
  void brokerIsRabbitMq313WithAmqpAndManagementPortsAndAPingHealthCheck() {
    JsonNode rabbitmq = service("rabbitmq");
    assertEquals("rabbitmq:3.13-management", rabbitmq.path("image").asText());
    assertEquals(Set.of("5672:5672", "15672:15672"), Set.copyOf(texts(rabbitmq.path("ports"))));
    assertEquals(
        List.of("CMD", "rabbitmq-diagnostics", "-q", "ping"),
        texts(rabbitmq.path("healthcheck").path("test")));
  }

  @Test
  void consumersAndDemoAreBuiltFromThisRepositoryForTheirOwnModule() throws IOException {
    Map<String, String> moduleOf =
        Map.of(
            "consumer-inventory", "consumer-inventory",
            "consumer-shipping", "consumer-shipping",
            "demo", "benchmarks/driver");
    for (Map.Entry<String, String> entry : moduleOf.entrySet()) {
      JsonNode build = service(entry.getKey()).path("build");
      Path context = root.resolve(build.path("context").asText()).normalize();
      assertTrue(Files.isDirectory(context), entry.getKey() + ": no build context " + context);
      Path dockerfile = context.resolve(build.path("dockerfile").asText("Dockerfile"));
      assertTrue(Files.isRegularFile(dockerfile), entry.getKey() + ": no " + dockerfile);
      String module = build.path("args").path("MODULE").asText();
      assertEquals(entry.getValue(), module, entry.getKey() + " builds the wrong module");
      String jar = build.path("args").path("JAR").asText(module);
      String pom = Files.readString(context.resolve(module).resolve("pom.xml"));
      assertTrue(
          pom.contains("<artifactId>" + jar + "</artifactId>"),
          module + "'s jar is named after its artifactId");
    }
  }

  @Test
  void dockerfileBuildsWithMavenAndRunsTheModulesJarOnJre17() throws IOException {
    String dockerfile = Files.readString(root.resolve("docker/Dockerfile"));
    List<String> stages = new ArrayList<>();
    for (String line : dockerfile.lines().toList()) {
      if (line.startsWith("FROM ")) {
        stages.add(line.substring(5).trim());
      }
    }
    assertEquals(2, stages.size(), "a build stage and a runtime stage: " + stages);
    assertTrue(stages.get(0).matches("maven:\\S*temurin-17 AS build"), stages.get(0));
    assertTrue(stages.get(1).matches("eclipse-temurin:17-jre\\b.*"), stages.get(1));
    assertTrue(dockerfile.contains("ARG MODULE"));
    assertTrue(dockerfile.contains("-pl \"${MODULE}\" -am package"));
    assertTrue(dockerfile.contains("ARG JAR=${MODULE}"));
    assertTrue(dockerfile.contains("\"${MODULE}/target/${JAR}.jar\""));
    assertTrue(dockerfile.contains("COPY --chmod=0755 docker/healthcheck.sh /app/healthcheck"));
    assertTrue(Files.isExecutable(root.resolve("docker/healthcheck.sh")));
    assertTrue(dockerfile.contains("mkdir -p /app/data"), "the volume's mount point exists");
  }

  @Test
  void theOrderServiceRunsWithoutAuthenticationForDevelopmentOnly() {
    JsonNode orders = service("order-service");
    List<String> command = texts(orders.path("command"));
    assertEquals("serve", command.get(0));
    // The opt-out is explicit: serve with no auth setting refuses to start.
    assertEquals("none", command.get(command.indexOf("--auth") + 1));
    assertEquals("8080", command.get(command.indexOf("--http-port") + 1));
    assertFalse(command.contains("--management-port"), "probes and metrics stay on 8080 here");
    assertEquals(
        List.of("CMD", "/app/healthcheck", "/health/ready", "8080"),
        texts(orders.path("healthcheck").path("test")));
  }

  @Test
  void consumersServeHttpOnPort8080AndAreHealthyOnlyWhenReady() {
    for (String name : CONSUMERS) {
      JsonNode consumer = service(name);
      List<String> command = texts(consumer.path("command"));
      assertEquals("run", command.get(0), name);
      assertEquals("8080", command.get(command.indexOf("--http-port") + 1), name);
      // Services listen on loopback unless told otherwise; the port mapping needs every interface.
      assertTrue(command.contains("--http-bind"), name + " passes --http-bind");
      assertEquals("0.0.0.0", command.get(command.indexOf("--http-bind") + 1), name);
      assertEquals(
          List.of("CMD", "/app/healthcheck", "/health/ready", "8080"),
          texts(consumer.path("healthcheck").path("test")),
          name);
      assertFalse(consumer.path("healthcheck").path("interval").isMissingNode(), name);
      assertTrue(
          texts(consumer.path("ports")).stream().anyMatch(port -> port.endsWith(":8080")), name);
    }
  }

  @Test
  void everyClientConnectsToTheComposeBrokerWithTheBrokersOwnUser() {
    JsonNode broker = service("rabbitmq").path("environment");
    String user = interpolate(broker.path("RABBITMQ_DEFAULT_USER").asText(), key -> null);
    String password = interpolate(broker.path("RABBITMQ_DEFAULT_PASS").asText(), key -> null);
    assertFalse(user.equals("guest"), "guest may only connect from localhost");
    for (String name : List.of("consumer-inventory", "consumer-shipping", "demo")) {
      URI uri =
          URI.create(
              interpolate(
                  service(name).path("environment").path("RABBITMQ_URI").asText(), key -> null));
      assertEquals("amqp", uri.getScheme(), name);
      assertEquals("rabbitmq", uri.getHost(), name);
      assertEquals(5672, uri.getPort(), name);
      assertEquals(user + ":" + password, uri.getUserInfo(), name);
    }
  }

  @Test
  void consumersWaitForAHealthyBrokerAndTheDemoForBothHealthyConsumers() {
    for (String name : CONSUMERS) {
      JsonNode dependsOn = service(name).path("depends_on");
      assertEquals("service_healthy", dependsOn.path("rabbitmq").path("condition").asText(), name);
      // PostgreSQL runs only under its profile: waited for when it runs, ignored otherwise.
      assertEquals("service_healthy", dependsOn.path("postgres").path("condition").asText(), name);
      assertFalse(dependsOn.path("postgres").path("required").asBoolean(true), name);
      assertFalse(service("rabbitmq").path("depends_on").has(name), "no dependency cycle");
    }
    JsonNode demo = service("demo").path("depends_on");
    for (String name : CONSUMERS) {
      assertEquals("service_healthy", demo.path(name).path("condition").asText(), "demo → " + name);
    }
    assertEquals("no", service("demo").path("restart").asText(), "the demo runs once");
    assertFalse(texts(service("demo").path("command")).isEmpty());
  }

  @Test
  void consumersKeepTheirDataOnDeclaredNamedVolumes() {
    JsonNode declared = compose.path("volumes");
    for (String name : CONSUMERS) {
      List<String> mounts = texts(service(name).path("volumes"));
      String dataMount =
          mounts.stream()
              .filter(mount -> mount.endsWith(":/app/data"))
              .findFirst()
              .orElseThrow(() -> new AssertionError(name + " has no volume on /app/data"));
      String volume = dataMount.substring(0, dataMount.indexOf(':'));
      assertTrue(declared.has(volume), name + ": volume " + volume + " is not declared");
      String db = interpolate(dbArgument(name), key -> null);
      assertTrue(db.startsWith("jdbc:sqlite:data/"), name + " keeps SQLite in /app/data: " + db);
    }
    for (String volume : List.of("rabbitmq-data", "postgres-data")) {
      assertTrue(declared.has(volume), volume);
    }
  }

  @Test
  void postgresEnvFileEnablesTheProfileAndPointsEachConsumerAtItsOwnDatabase() throws IOException {
    Properties env = new Properties();
    try (var reader = Files.newBufferedReader(root.resolve("docker/postgres.env"))) {
      env.load(reader);
    }
    assertEquals("postgres", env.getProperty("COMPOSE_PROFILES"));
    String init = Files.readString(root.resolve("docker/postgres/init.sql"));
    Map<String, String> databases = new HashMap<>();
    for (String name : CONSUMERS) {
      String db = interpolate(dbArgument(name), env::getProperty);
      assertTrue(db.startsWith("jdbc:postgresql://postgres:5432/"), name + ": " + db);
      String database = URI.create(db.substring("jdbc:".length())).getPath().substring(1);
      assertTrue(init.contains("CREATE DATABASE " + database + ";"), database + " is created");
      assertEquals(null, databases.put(database, name), "each consumer has its own database");
    }
    String mount = "./docker/postgres/init.sql:/docker-entrypoint-initdb.d/10-databases.sql:ro";
    assertTrue(texts(service("postgres").path("volumes")).contains(mount));
    assertFalse(service("postgres").path("healthcheck").path("test").isMissingNode());
  }

  @Test
  void dockerIgnoreKeepsBuildOutputAndLocalStateOutOfTheContext() throws IOException {
    List<String> ignored = Files.readAllLines(root.resolve(".dockerignore"));
    assertTrue(ignored.contains("**/target/"), ignored.toString());
    assertTrue(ignored.contains("**/data/"), ignored.toString());
  }

  private static String dbArgument(String service) {
    List<String> command = texts(service(service).path("command"));
    int db = command.indexOf("--db");
    assertTrue(db >= 0, service + " passes --db");
    return command.get(db + 1);
  }

  /** Compose's {@code ${NAME:-default}}: the variable's value if set, else the default. */
  static String interpolate(String text, Function<String, String> variables) {
    Matcher matcher = VARIABLE.matcher(text);
    StringBuilder result = new StringBuilder();
    while (matcher.find()) {
      String value = variables.apply(matcher.group(1));
      if (value == null || value.isEmpty()) {
        value = matcher.group(3) == null ? "" : matcher.group(3);
      }
      matcher.appendReplacement(result, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(result);
    return result.toString();
  }

  private static JsonNode service(String name) {
    JsonNode service = services.get(name);
    assertNotNull(service, "service " + name);
    return service;
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(node -> texts.add(node.asText()));
    return texts;
  }

  private static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("compose.yaml"))
          && Files.isRegularFile(dir.resolve("mvnw"))) {
        return dir;
      }
    }
    throw new IllegalStateException("compose.yaml not found above " + Path.of("").toAbsolutePath());
  }
}
