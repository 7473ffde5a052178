package orderflow.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON schemas of {@code deploy/kubernetes/schemas}, by {@code apiVersion/kind}: each file
 * names its kinds under {@code kinds} and may share {@code definitions} among them.
 */
final class ManifestSchemas {
  static final List<String> FILES = List.of("kubernetes.json", "operators.json");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SchemaRegistry registry =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7);
  private final Map<String, Schema> byKind = new HashMap<>();

  ManifestSchemas(Path directory) throws IOException {
    for (String file : FILES) {
      JsonNode document = JSON.readTree(directory.resolve(file).toFile());
      for (Map.Entry<String, JsonNode> kind : document.path("kinds").properties()) {
        byKind.put(kind.getKey(), load(document, kind.getValue()));
      }
    }
  }

  static ManifestSchemas inRepository() throws IOException {
    return new ManifestSchemas(Repository.root().resolve("deploy/kubernetes/schemas"));
  }

  /** One kind's schema as a document of its own, with the definitions it refers to. */
  private Schema load(JsonNode document, JsonNode kindSchema) {
    ObjectNode root = JSON.createObjectNode();
    root.put("$schema", "http://json-schema.org/draft-07/schema#");
    if (document.has("definitions")) {
      root.set("definitions", document.get("definitions"));
    }
    root.putArray("allOf").add(kindSchema);
    return registry.getSchema(root.toString(), InputFormat.JSON);
  }

  /** The schema's complaints about {@code object}; one if no file names its kind. */
  List<String> errors(JsonNode object) {
    String key = object.path("apiVersion").asText() + "/" + object.path("kind").asText();
    Schema schema = byKind.get(key);
    if (schema == null) {
      return List.of("no schema for " + key + " in deploy/kubernetes/schemas " + FILES);
    }
    return schema.validate(object).stream().map(Error::toString).toList();
  }
}
