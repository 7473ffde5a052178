package orderflow.shipping;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import orderflow.cli.ConsumerCommand;
import orderflow.cli.DefaultSubcommand;
import orderflow.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line itself: subcommands, help, version, exit codes and error lines. */
class ShippingCommandTest {
  @TempDir Path dir;

  @Test
  void runIsTheDefaultSubcommand() {
    assertArrayEquals(
        new String[] {"run"}, DefaultSubcommand.prepend(ConsumerCommand.RUN, new String[0]));
    assertArrayEquals(
        new String[] {"run", "--db", "jdbc:sqlite:x.db"},
        DefaultSubcommand.prepend(ConsumerCommand.RUN, new String[] {"--db", "jdbc:sqlite:x.db"}));
    assertArrayEquals(
        new String[] {"shipments", "--json"},
        DefaultSubcommand.prepend(ConsumerCommand.RUN, new String[] {"shipments", "--json"}));
    assertArrayEquals(
        new String[] {"--version"},
        DefaultSubcommand.prepend(ConsumerCommand.RUN, new String[] {"--version"}));
  }

  @Test
  void helpListsTheSubcommandsAndExitsZero() {
    CommandRun run = CommandRun.of("--help");

    assertEquals(0, run.exitCode());
    assertTrue(run.out().contains("run"), run.out());
    assertTrue(run.out().contains("shipments"), run.out());
    assertTrue(run.out().contains("dlq"), run.out());
  }

  @Test
  void dlqToolsAreMountedAndNeedASubcommand() {
    CommandRun help = CommandRun.of("dlq", "--help");
    assertEquals(0, help.exitCode(), help.err());
    for (String subcommand : new String[] {"list", "show", "replay", "purge"}) {
      assertTrue(help.out().contains(subcommand), subcommand + " in:\n" + help.out());
    }

    assertEquals(2, CommandRun.of("dlq").exitCode());
  }

  @Test
  void runHelpShowsTheServiceOptions() {
    CommandRun run = CommandRun.of("run", "--help");

    assertEquals(0, run.exitCode());
    for (String option :
        new String[] {
          "--uri",
          "--namespace",
          "--db",
          "--http-port",
          "--prefetch",
          "--retry-delays",
          "--max-retries",
          "--inject-failures"
        }) {
      assertTrue(run.out().contains(option), option + " in:\n" + run.out());
    }
  }

  @Test
  void versionNamesTheProgram() {
    CommandRun run = CommandRun.of("--version");

    assertEquals(0, run.exitCode());
    assertTrue(run.out().startsWith("consumer-shipping "), run.out());
  }

  @Test
  void anUnknownOptionIsAUsageError() {
    CommandRun run = CommandRun.of("shipments", "--colour");

    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("--colour"), run.err());
  }

  @Test
  void badRetryDelaysAreAUsageErrorNamingTheOption() {
    CommandRun run = CommandRun.of("run", "--retry-delays", "soon");

    assertEquals(2, run.exitCode(), run.err());
    assertTrue(run.err().contains("soon") || run.err().contains("--retry-delays"), run.err());
  }

  @Test
  void aRawOddPasswordIsAUsageErrorThatNeverShowsIt() {
    CommandRun run =
        CommandRun.of(
            "run",
            "--verbose",
            "--uri",
            "amqp://shipper:S3cr:@%ët@127.0.0.1:1/%2F",
            "--db",
            TestDatabases.sqlite(dir));

    assertEquals(2, run.exitCode(), run.err());
    assertFalse((run.out() + run.err()).contains("S3cr"), run.err());
  }

  @Test
  void theUriFileIsReadAndItsPasswordNeverShown() throws Exception {
    Path file = dir.resolve("broker.uri");
    Files.writeString(file, "amqp://shipper:S3cr%3Aet@127.0.0.1:1/%2F\n");

    CommandRun run =
        CommandRun.of("run", "--uri-file", file.toString(), "--db", TestDatabases.sqlite(dir));

    assertEquals(1, run.exitCode(), run.err());
    assertTrue(run.err().contains("127.0.0.1:1"), run.err());
    assertFalse(run.err().contains("S3cr"), run.err());
  }

  @Test
  void anUnreachableBrokerFailsWithOneLineNamingHostAndPortButNoPassword() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }

    CommandRun run =
        CommandRun.of(
            "run",
            "--uri",
            "amqp://shipper:s3cret@127.0.0.1:" + closedPort + "/%2F",
            "--db",
            TestDatabases.sqlite(dir));

    assertEquals(1, run.exitCode());
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue(run.err().startsWith("consumer-shipping: "), run.err());
    assertTrue(run.err().contains("127.0.0.1:" + closedPort), run.err());
    assertFalse(run.err().contains("s3cret"), run.err());
  }
}
