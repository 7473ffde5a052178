package orderflow.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import orderflow.observe.Problem;
import orderflow.observe.ProblemType;
import org.junit.jupiter.api.Test;

/** docs/openapi.yaml names what the code answers; OrderServiceIT holds each answer to it. */
class OpenApiDocumentTest {
  @Test
  void isOpenApi31AndListsExactlyTheProblemTypesTheCodeHas() throws Exception {
    JsonNode document = OpenApiDocument.read();
    assertTrue(document.get("openapi").asText().startsWith("3.1."));
    Set<String> documented = new TreeSet<>();
    document
        .at("/components/schemas/Problem/properties/type/enum")
        .forEach(type -> documented.add(type.asText()));
    Set<String> coded = new TreeSet<>();
    Arrays.stream(ProblemType.values()).forEach(type -> coded.add(type.uri()));
    assertEquals(coded, documented);
  }

  @Test
  void everyErrorResponseIsAProblem() throws Exception {
    JsonNode responses = OpenApiDocument.read().at("/components/responses");
    for (Map.Entry<String, JsonNode> response : responses.properties()) {
      assertTrue(response.getValue().at("/content").has(Problem.CONTENT_TYPE), response.getKey());
    }
    assertTrue(OpenApiDocument.answers(OpenApiDocument.read()).contains("POST /orders 201"));
  }
}
