package orderflow.asyncapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import orderflow.contract.EventSchema;
import orderflow.contract.EventSchemas;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventType;

/**
 * The event schemas as AsyncAPI components: each file's content under its title, with its
 * references between files rewritten to references inside the document, so the document stands
 * alone. AsyncAPI's default schema format is a superset of the schemas' draft-07.
 */
final class ComponentSchemas {
  static final String PREFIX = "#/components/schemas/";

  private ComponentSchemas() {}

  /** The schemas messages refer to: the envelope, OrderCreated version 1, each type's version 2. */
  static List<EventSchema> embedded() {
    return EventSchemas.all().stream().filter(s -> !s.equals(EventSchemas.ANY_EVENT)).toList();
  }

  static ObjectNode all() {
    ObjectNode schemas = EventCodec.mapper().createObjectNode();
    for (EventSchema schema : embedded()) {
      ObjectNode json = (ObjectNode) EventSchemas.read(schema);
      json.remove(List.of("$schema", "$id"));
      rewriteReferences(json, schema);
      schemas.set(schema.title(), json);
    }
    return schemas;
  }

  static String reference(EventSchema schema) {
    return PREFIX + schema.title();
  }

  static String reference(EventType type) {
    return reference(EventSchemas.of(type));
  }

  private static void rewriteReferences(JsonNode node, EventSchema owner) {
    if (node instanceof ObjectNode object) {
      JsonNode ref = object.get("$ref");
      if (ref != null && ref.isTextual()) {
        object.put("$ref", rewritten(ref.asText(), owner));
      }
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        rewriteReferences(field.getValue(), owner);
      }
    } else if (node instanceof ArrayNode array) {
      array.forEach(element -> rewriteReferences(element, owner));
    }
  }

  private static String rewritten(String ref, EventSchema owner) {
    int hash = ref.indexOf('#');
    String file = hash < 0 ? ref : ref.substring(0, hash);
    String pointer = hash < 0 ? "" : ref.substring(hash + 1);
    EventSchema target =
        file.isEmpty()
            ? owner
            : embedded().stream()
                .filter(s -> s.fileName().equals(file))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("unknown schema file " + file));
    return reference(target) + pointer;
  }
}
