package orderflow.dlq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DlqCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine command = new CommandLine(new DlqCommand("inventory", "consumer-inventory"));
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
}
