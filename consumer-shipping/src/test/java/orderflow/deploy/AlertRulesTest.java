package orderflow.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/prometheus/alerts.yaml} is valid for Prometheus and passes its unit tests ({@code
 * promtool test rules}), and every rule has a test case in which it fires.
 */
class AlertRulesTest {
  static final ExternalTool PROMTOOL =
      new ExternalTool(
          "promtool", "it comes with Debian's prometheus package (apt-get install prometheus)");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Path DIRECTORY = Repository.root().resolve("deploy/prometheus");

  @Test
  void theRulesAreValid() {
    ExternalTool.Result result = PROMTOOL.run(DIRECTORY, "check", "rules", "alerts.yaml");
    assertEquals(0, result.exitCode(), result.output());
  }

  @Test
  void theRulesPassTheirUnitTests() {
    ExternalTool.Result result = PROMTOOL.run(DIRECTORY, "test", "rules", "alerts.test.yaml");
    assertEquals(0, result.exitCode(), result.output());
    assertTrue(result.output().contains("SUCCESS"), result.output());
  }

  @Test
  void everyRuleHasATestInWhichItFires() throws IOException {
    Set<String> rules = new TreeSet<>();
    for (JsonNode group : YAML.readTree(DIRECTORY.resolve("alerts.yaml").toFile()).path("groups")) {
      group.path("rules").forEach(rule -> rules.add(rule.path("alert").asText()));
    }
    Set<String> firing = new TreeSet<>();
    for (JsonNode test :
        YAML.readTree(DIRECTORY.resolve("alerts.test.yaml").toFile()).path("tests")) {
      for (JsonNode expectation : test.path("alert_rule_test")) {
        if (expectation.path("exp_alerts").size() > 0) {
          firing.add(expectation.path("alertname").asText());
        }
      }
    }
    assertTrue(rules.size() >= 10, rules.toString());
    assertEquals(rules, firing);
  }
}
