package orderflow.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import orderflow.privacy.MasterKeys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Every overlay of {@code deploy/kubernetes} renders with {@code kubectl kustomize}, and every
 * object it renders validates against the schema of its kind kept in {@code
 * deploy/kubernetes/schemas}: offline, no cluster.
 */
class KubernetesManifestsTest {
  static final List<String> OVERLAYS = RenderedOverlay.OVERLAYS;
  private static ManifestSchemas schemas;

  @BeforeAll
  static void loadSchemas() throws IOException {
    schemas = ManifestSchemas.inRepository();
  }

  @ParameterizedTest
  @FieldSource("OVERLAYS")
  void everyRenderedObjectValidatesAgainstTheSchemaOfItsKind(String overlay) {
    RenderedOverlay rendered = RenderedOverlay.of(overlay);
    assertTrue(rendered.objects().size() >= 30, overlay + ": " + rendered.objects().size());
    List<String> errors = new ArrayList<>();
    for (JsonNode object : rendered.objects()) {
      for (String error : schemas.errors(object)) {
        errors.add(RenderedOverlay.describe(object) + ": " + error);
      }
    }
    assertEquals(List.of(), errors, overlay);
  }

  @ParameterizedTest
  @FieldSource("OVERLAYS")
  void everyObjectIsInTheOverlaysNamespace(String overlay) {
    RenderedOverlay rendered = RenderedOverlay.of(overlay);
    String namespace = rendered.ofKind("Namespace").get(0).at("/metadata/name").asText();
    for (JsonNode object : rendered.objects()) {
      if (!object.path("kind").asText().equals("Namespace")) {
        assertEquals(
            namespace, object.at("/metadata/namespace").asText(), RenderedOverlay.describe(object));
      }
    }
  }

  @Test
  void theSchemasCatchAMisspeltFieldAMissingRequiredOneAndAnUnknownKind() {
    RenderedOverlay dev = RenderedOverlay.of("dev");
    ObjectNode deployment = dev.find("Deployment", "consumer-inventory").orElseThrow().deepCopy();
    ((ObjectNode) deployment.at("/spec/template/spec/containers/0")).put("livenesProbe", "x");
    assertFalse(schemas.errors(deployment).isEmpty(), "a misspelt container field");

    ObjectNode scaledObject = dev.ofKind("ScaledObject").get(0).deepCopy();
    ((ObjectNode) scaledObject.at("/spec/triggers/0/metadata")).remove("queueName");
    assertFalse(schemas.errors(scaledObject).isEmpty(), "a rabbitmq trigger without its queue");

    ObjectNode unknown = deployment.deepCopy().put("kind", "StatefulSet");
    assertFalse(schemas.errors(unknown).isEmpty(), "a kind no schema names");
  }

  @Test
  void productionRendersTheBaseSizesAndNoSecret() {
    RenderedOverlay production = RenderedOverlay.of("production");
    assertEquals(
        3,
        production
            .find("RabbitmqCluster", "orderflow-rabbitmq")
            .orElseThrow()
            .at("/spec/replicas")
            .asInt());
    assertEquals(
        3,
        production
            .find("Cluster", "orderflow-postgres")
            .orElseThrow()
            .at("/spec/instances")
            .asInt());
    assertEquals(List.of(), production.ofKind("Secret"), "production secrets come from outside");
    Set<String> images = new TreeSet<>();
    for (JsonNode deployment : production.ofKind("Deployment")) {
      deployment
          .at("/spec/template/spec/containers")
          .forEach(c -> images.add(c.path("image").asText()));
    }
    for (String image : images) {
      assertFalse(image.endsWith(":local") || !image.contains(":"), image);
    }
  }

  @Test
  void productionRequiresTheMasterKeyServesTheApiOverTlsAndChecksTokens() {
    PodContainer orders = orderService(RenderedOverlay.of("production"));
    assertEquals(Optional.of("true"), orders.env(MasterKeys.REQUIRE_ENV), "no start without a key");
    String keyFile = orders.env(MasterKeys.FILE_ENV).orElseThrow();
    assertEquals(
        "orderflow-orders-master-key", orders.secretFile(keyFile).orElseThrow().name(), keyFile);
    assertEquals(Optional.empty(), orders.env(MasterKeys.KEYS_ENV), "not in the environment");

    PodContainer.MountedKey cert =
        orders.secretFile(orders.argument("--tls-cert").orElseThrow()).orElseThrow();
    PodContainer.MountedKey key =
        orders.secretFile(orders.argument("--tls-key").orElseThrow()).orElseThrow();
    assertEquals(new PodContainer.MountedKey("orderflow-orders-tls", "tls.crt"), cert);
    assertEquals(new PodContainer.MountedKey("orderflow-orders-tls", "tls.key"), key);

    assertEquals(Optional.empty(), orders.argument("--auth"), "production checks tokens");
    assertEquals(Optional.of("orders-api"), orders.argument("--auth-audience"));
    assertTrue(orders.argument("--auth-issuer").isPresent());
    assertTrue(orders.argument("--auth-jwks").isPresent());
  }

  @Test
  void devRunsTheApiWithoutTokensOrTlsButWithAKeyFromASecret() {
    PodContainer orders = orderService(RenderedOverlay.of("dev"));
    assertEquals(Optional.of("none"), orders.argument("--auth"));
    for (String flag : List.of("--auth-jwks", "--auth-issuer", "--auth-audience", "--tls-cert")) {
      assertEquals(Optional.empty(), orders.argument(flag), flag);
    }
    assertEquals(Optional.of("true"), orders.env(MasterKeys.REQUIRE_ENV));
    assertTrue(orders.secretFile(orders.env(MasterKeys.FILE_ENV).orElseThrow()).isPresent());
  }

  private static PodContainer orderService(RenderedOverlay rendered) {
    return PodContainer.in(rendered).stream()
        .filter(c -> c.describe().endsWith("Deployment order-service container order-service"))
        .findFirst()
        .orElseThrow();
  }
}
