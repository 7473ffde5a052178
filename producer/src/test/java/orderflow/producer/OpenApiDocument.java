package orderflow.producer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** docs/openapi.yaml, read for the tests that hold it to the code. */
final class OpenApiDocument {
  static final Set<String> METHODS = Set.of("get", "head", "post", "put", "patch", "delete");

  private OpenApiDocument() {}

  static JsonNode read() throws IOException {
    return new ObjectMapper(new YAMLFactory())
        .readTree(Files.readString(repositoryRoot().resolve("docs/openapi.yaml")));
  }

  /** Every documented answer as {@code "METHOD /path/{param} STATUS"}, {@code default} aside. */
  static Set<String> answers(JsonNode document) {
    Set<String> answers = new TreeSet<>();
    for (Map.Entry<String, JsonNode> path : document.get("paths").properties()) {
      for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
        if (!METHODS.contains(operation.getKey())) {
          continue;
        }
        for (Map.Entry<String, JsonNode> response :
            operation.getValue().get("responses").properties()) {
          if (!response.getKey().equals("default")) {
            answers.add(
                operation.getKey().toUpperCase(Locale.ROOT)
                    + " "
                    + path.getKey()
                    + " "
                    + response.getKey());
          }
        }
      }
    }
    return answers;
  }

  private static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("docs/openapi.yaml"))
          && Files.isRegularFile(dir.resolve("mvnw"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "docs/openapi.yaml not found above " + Path.of("").toAbsolutePath());
  }
}
