package orderflow.dlq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import orderflow.cli.OneLineErrors;
import orderflow.deadletter.DeadLetterHeaders;
import orderflow.envelope.EventCodec;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DlqCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine command =
        OneLineErrors.install(
            new CommandLine(new DlqCommand("inventory", "consumer-inventory")),
            "consumer-inventory");
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    return command.execute(args);
  }

  @Test
  void withoutASubcommandIsAUsageError() {
    assertEquals(2, run());
    assertTrue(err.toString().contains("subcommand"), err.toString());
  }

  @Test
  void badFiltersAreUsageErrorsBeforeAnyConnection() {
    assertEquals(2, run("list", "--since", "yesterday", "--uri", "amqp://localhost:1"));
    assertEquals(2, run("replay", "--limit", "0", "--uri", "amqp://localhost:1"));
    assertEquals(2, run("purge", "--reason", "(unclosed", "--uri", "amqp://localhost:1"));
    assertEquals(
        2,
        run(
            "list",
            "--since",
            "2026-11-22T10:00:00Z",
            "--until",
            "2026-11-21T10:00:00Z",
            "--uri",
            "amqp://localhost:1"));
    assertEquals(2, run("show", "--uri", "amqp://localhost:1"));
  }

  @Test
  void anUnreachableBrokerIsOneLineNamingHostAndPortWithoutThePassword() {
    int code = run("list", "--json", "--uri", "amqp://guest:s3cret@127.0.0.1:1/%2F");

    assertEquals(1, code);
    String message = err.toString();
    assertEquals(1, message.lines().count(), message);
    assertTrue(message.contains("127.0.0.1:1"), message);
    assertFalse(message.contains("s3cret"), message);
    assertEquals("", out.toString());
  }

  @Test
  void jsonKeepsItsShapesListedLettersWholeReplayedOnesWithoutHeadersAndBody() throws Exception {
    DeadLetter letter =
        DeadLetter.read(
            new AMQP.BasicProperties.Builder()
                .headers(
                    Map.of(
                        DeadLetterHeaders.REASON, "retries-exhausted",
                        DeadLetterHeaders.LAST_FAILURE_AT, "2026-11-22T10:00:30Z"))
                .build(),
            "{\"eventId\":\"e-1\"}".getBytes(StandardCharsets.UTF_8),
            DeadLetterQueue.LISTED_BODY_CHARS);
    ObjectMapper mapper = EventCodec.mapper();

    JsonNode listed = mapper.valueToTree(letter);
    JsonNode replayed =
        mapper.readTree(
            mapper
                .writerWithView(DeadLetter.Summary.class)
                .writeValueAsString(
                    new DlqCommand.Replay(
                        false,
                        2,
                        List.of(letter),
                        List.of(new DlqCommand.Failure(letter, "RETURNED")))));

    List<String> summaryFields =
        List.of(
            "eventId",
            "messageId",
            "eventType",
            "orderId",
            "typeProperty",
            "reason",
            "exceptionClass",
            "exceptionMessage",
            "attempts",
            "firstFailureAt",
            "lastFailureAt",
            "originalExchange",
            "originalRoutingKey",
            "consumer");
    List<String> bodyFields =
        List.of("headers", "body", "bodyEncoding", "bodyBytes", "bodyTruncated");
    assertEquals(
        Stream.concat(summaryFields.stream(), bodyFields.stream()).toList(), names(listed));
    assertEquals("2026-11-22T10:00:30Z", listed.get("lastFailureAt").asText());
    assertEquals("retries-exhausted", listed.get("headers").get(DeadLetterHeaders.REASON).asText());
    assertEquals(List.of("dryRun", "scanned", "replayed", "failed"), names(replayed));
    assertEquals(summaryFields, names(replayed.get("replayed").get(0)));
    List<String> failedFields = new ArrayList<>(summaryFields);
    failedFields.add("outcome");
    assertEquals(failedFields, names(replayed.get("failed").get(0)));
    assertEquals("e-1", replayed.get("failed").get(0).get("eventId").asText());
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
