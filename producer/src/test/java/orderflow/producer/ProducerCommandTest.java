package orderflow.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Command-line behaviour that needs no broker: usage errors exit 2 before connecting. */
class ProducerCommandTest {
  @Test
  void badItemSyntaxIsAUsageErrorNamingTheItem() {
    CommandRun.Result result =
        CommandRun.run("order", "--uri", "amqp://127.0.0.1:1", "--customer", "c", "--item", "x:0");

    assertEquals(2, result.exitCode(), result.toString());
    assertTrue(result.err().contains("invalid item 'x:0'"), result.toString());
    assertEquals("", result.out());
  }

  @Test
  void aCustomerWithATerminalEscapeIsRefusedByTheEnvelopesRuleAsAUsageError() {
    CommandRun.Result result =
        CommandRun.run(
            "order", "--uri", "amqp://127.0.0.1:1", "--customer", "bob\u001b[2J", "--item", "x:1");

    assertEquals(2, result.exitCode(), result.toString());
    assertTrue(
        result.err().contains("customerId must not contain control characters"), result.toString());
    assertTrue(result.err().chars().noneMatch(c -> c == 0x1b), result.toString());
  }

  @Test
  void anOrderOfMoreThanAHundredLinesIsAUsageError() {
    List<String> args =
        new ArrayList<>(List.of("order", "--uri", "amqp://127.0.0.1:1", "--customer", "c"));
    for (int i = 0; i <= 100; i++) {
      args.add("--item");
      args.add("sku-" + i + ":1");
    }

    CommandRun.Result result = CommandRun.run(args.toArray(String[]::new));

    assertEquals(2, result.exitCode(), result.toString());
    assertTrue(result.err().contains("at most 100 entries"), result.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"S3cr:et", "S3cr@et", "S3cr%et", "S3cr/et", "S3cr:@%/ët"})
  void aRawOddPasswordIsAUsageErrorThatNeverShowsIt(String password) {
    CommandRun.Result result =
        CommandRun.run(
            "order",
            "--verbose",
            "--uri",
            "amqp://app:" + password + "@127.0.0.1:1/%2F",
            "--customer",
            "c",
            "--item",
            "x:1");

    assertEquals(2, result.exitCode(), result.toString());
    assertFalse(result.toString().contains("S3cr"), result.toString());
    assertTrue(result.err().contains("percent-encode"), result.toString());
  }

  @Test
  void aPortOver65535IsAUsageErrorWithAClearLine() {
    CommandRun.Result result =
        CommandRun.run(
            "order",
            "--uri",
            "amqp://u:pw@127.0.0.1:70000/%2F",
            "--customer",
            "c",
            "--item",
            "x:1");

    assertEquals(2, result.exitCode(), result.toString());
    assertTrue(
        result.err().contains("broker URI port must be 1 to 65535, was 70000"), result.toString());
  }

  @Test
  void theUriCanComeFromAFileSoThePasswordStaysOutOfPs(@TempDir Path directory) throws Exception {
    Path file = directory.resolve("broker.uri");
    Files.writeString(file, "amqp://app:S3cr%3Aet@127.0.0.1:1/%2F\n");

    CommandRun.Result result =
        CommandRun.run("order", "--uri-file", file.toString(), "--customer", "c", "--item", "x:1");

    assertEquals(1, result.exitCode(), result.toString());
    assertTrue(result.err().contains("127.0.0.1:1"), result.toString());
    assertFalse(result.toString().contains("S3cr"), result.toString());
  }

  @Test
  void missingSubcommandIsAUsageError() {
    assertEquals(2, CommandRun.run().exitCode());
    assertEquals(2, CommandRun.run("topology").exitCode());
  }

  @Test
  void badUriSchemeIsAUsageErrorWithoutThePassword() {
    CommandRun.Result result =
        CommandRun.run(
            "order", "--uri", "http://u:Sup3rSecret@h/", "--customer", "c", "--item", "x:1");

    assertEquals(2, result.exitCode(), result.toString());
    assertTrue(result.err().contains("amqp://"), result.toString());
    assertTrue(!result.err().contains("Sup3rSecret"), result.toString());
  }

  @Test
  void unknownWatchTypeIsAUsageErrorListingTheTypes() {
    CommandRun.Result result =
        CommandRun.run("watch", "--uri", "amqp://127.0.0.1:1", "--type", "Nope");

    assertEquals(2, result.exitCode(), result.toString());
    assertTrue(result.err().contains("OrderCreated"), result.toString());
  }

  @Test
  void everyCommandHasHelpAndVersion() {
    for (String[] command :
        new String[][] {
          {}, {"order"}, {"watch"}, {"topology"}, {"topology", "declare"}, {"topology", "verify"}
        }) {
      String[] help = append(command, "--help");
      String[] version = append(command, "--version");
      CommandRun.Result helpResult = CommandRun.run(help);
      CommandRun.Result versionResult = CommandRun.run(version);
      assertEquals(0, helpResult.exitCode(), String.join(" ", help));
      assertTrue(helpResult.out().contains("Usage:"), helpResult.toString());
      assertEquals(0, versionResult.exitCode(), String.join(" ", version));
      assertTrue(versionResult.out().startsWith("producer "), versionResult.toString());
    }
  }

  private static String[] append(String[] command, String option) {
    String[] args = java.util.Arrays.copyOf(command, command.length + 1);
    args[command.length] = option;
    return args;
  }
}
