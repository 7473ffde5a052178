package orderflow.contract;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.util.List;

/**
 * Validates message bodies against the contract's schemas with networknt's validator, loading them
 * from the classpath by their {@code $id}s, as another team's validator would from the files.
 */
final class SchemaValidator {
  /**
   * What any JSON parser hands a validator: the last of duplicate keys wins, numbers keep their
   * exact decimal value.
   */
  private static final ObjectMapper PLAIN_JSON =
      JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

  private final SchemaRegistry registry =
      SchemaRegistry.withDefaultDialect(
          SpecificationVersion.DRAFT_7,
          builder ->
              builder.schemaIdResolvers(
                  ids ->
                      ids.mapPrefix(
                          EventSchemas.ID_BASE, "classpath:" + EventSchemas.RESOURCE_FOLDER)));

  /** The schema's complaints about {@code body}, empty when it validates. */
  List<String> errors(EventSchema schema, byte[] body) {
    return errors(schema, parse(body));
  }

  List<String> errors(EventSchema schema, JsonNode json) {
    return errors(schema.id(), json);
  }

  /** The complaints of the schema whose {@code $id} is {@code schemaId}. */
  List<String> errors(String schemaId, JsonNode json) {
    Schema loaded = registry.getSchema(SchemaLocation.of(schemaId));
    return loaded.validate(json).stream().map(Error::toString).toList();
  }

  static JsonNode parse(byte[] body) {
    try {
      return PLAIN_JSON.readTree(body);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + e.getMessage(), e);
    }
  }
}
