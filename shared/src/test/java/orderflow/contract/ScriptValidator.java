package orderflow.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import orderflow.envelope.EventCodec;
import orderflow.testing.BrokerAccounts;

/**
 * A validator in another language, run as one process over a batch of cases: {@code
 * contract/validate.mjs} (ajv) or {@code contract/validate.py} (jsonschema). Both read the schema
 * folder from their argument and JSON lines {@code {name, schema, body (base64)}} from stdin, and
 * print {@code {name, errors}} per case; a schema they refuse or warn about ends them with exit 1.
 */
final class ScriptValidator {
  static final Path SCHEMA_FOLDER = Path.of("shared/src/main/resources/orderflow/schemas");
  private static final ObjectMapper JSON = EventCodec.mapper();
  private static final long TIMEOUT_SECONDS = 120;

  private ScriptValidator() {}

  /** Each case's errors by its name: empty when the script found the case valid. */
  static Map<String, List<String>> run(List<String> command, List<ContractCase> cases)
      throws IOException, InterruptedException {
    Path root = BrokerAccounts.repositoryRoot();
    Path dir = Files.createTempDirectory("contract-cases");
    try {
      Path input = dir.resolve("cases.jsonl");
      Path output = dir.resolve("out.jsonl");
      Path errors = dir.resolve("err.txt");
      Files.write(input, lines(cases), StandardCharsets.UTF_8);
      List<String> full = new ArrayList<>(command);
      full.add(SCHEMA_FOLDER.toString());
      Process process =
          new ProcessBuilder(full)
              .directory(root.toFile())
              .redirectInput(input.toFile())
              .redirectOutput(output.toFile())
              .redirectError(errors.toFile())
              .start();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(full + " did not finish in " + TIMEOUT_SECONDS + " s");
      }
      String stderr = Files.readString(errors, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new AssertionError(full + " exited " + process.exitValue() + ":\n" + stderr);
      }
      return results(Files.readAllLines(output, StandardCharsets.UTF_8));
    } finally {
      try (var files = Files.list(dir)) {
        for (Path file : files.toList()) {
          Files.delete(file);
        }
      }
      Files.delete(dir);
    }
  }

  private static List<String> lines(List<ContractCase> cases) throws IOException {
    List<String> lines = new ArrayList<>();
    for (ContractCase c : cases) {
      ObjectNode line = JSON.createObjectNode();
      line.put("name", c.name());
      line.put("schema", c.schemaId());
      line.put("body", Base64.getEncoder().encodeToString(c.body()));
      lines.add(JSON.writeValueAsString(line));
    }
    return lines;
  }

  private static Map<String, List<String>> results(List<String> lines) throws IOException {
    Map<String, List<String>> results = new HashMap<>();
    for (String text : lines) {
      JsonNode line = JSON.readTree(text);
      List<String> errors = new ArrayList<>();
      line.get("errors").forEach(e -> errors.add(e.asText()));
      results.put(line.get("name").asText(), errors);
    }
    return results;
  }
}
