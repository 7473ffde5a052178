package orderflow.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import orderflow.testing.ExternalTool;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The contract holds in three independent validators, as other teams would load it: networknt
 * (Java, what the other contract tests use), ajv 8 with ajv-formats (JavaScript) and jsonschema
 * (Python). Each runs every case of {@link ContractCases} once; a case is one test per validator. A
 * validator whose runtime is missing fails under {@code CI=true} and is skipped, saying so,
 * elsewhere.
 */
class ValidatorsAgreeTest {
  private static final List<ContractCase> CASES = ContractCases.all();

  @TestFactory
  Stream<DynamicTest> networkntInJava() {
    SchemaValidator validator = new SchemaValidator();
    Map<String, List<String>> errors = new HashMap<>();
    for (ContractCase c : CASES) {
      errors.put(c.name(), validator.errors(c.schemaId(), SchemaValidator.parse(c.body())));
    }
    return verdicts(errors);
  }

  @TestFactory
  Stream<DynamicTest> ajvInJavaScript() throws Exception {
    String node = ExternalTool.node();
    return verdicts(ScriptValidator.run(List.of(node, "contract/validate.mjs"), CASES));
  }

  @TestFactory
  Stream<DynamicTest> jsonschemaInPython() throws Exception {
    String python = ExternalTool.python("jsonschema");
    return verdicts(ScriptValidator.run(List.of(python, "contract/validate.py"), CASES));
  }

  private static Stream<DynamicTest> verdicts(Map<String, List<String>> errors) {
    assertEquals(
        CASES.size(),
        CASES.stream().map(ContractCase::name).collect(Collectors.toSet()).size(),
        "case names are unique");
    return CASES.stream()
        .map(c -> DynamicTest.dynamicTest(c.name(), () -> verdict(c, errors.get(c.name()))));
  }

  private static void verdict(ContractCase c, List<String> errors) {
    assertNotNull(errors, "no result for " + c.name());
    String body = new String(c.body(), StandardCharsets.UTF_8);
    if (c.valid()) {
      assertEquals(List.of(), errors, c.schemaId() + " refuses " + shortened(body));
    } else {
      assertFalse(errors.isEmpty(), c.schemaId() + " accepts " + shortened(body));
    }
  }

  private static String shortened(String body) {
    return body.length() <= 400 ? body : body.substring(0, 400) + "...";
  }
}
