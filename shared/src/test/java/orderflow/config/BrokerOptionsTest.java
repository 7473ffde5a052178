package orderflow.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Where the broker URI comes from: --uri, --uri-file, RABBITMQ_URI, RABBITMQ_URI_FILE. */
class BrokerOptionsTest {
  private static final String FILE_URI = "amqp://app:Fr0mFile@file-host:5673/%2F";

  @TempDir Path directory;

  @Command
  static final class Probe {
    @Mixin BrokerOptions broker;
  }

  @Test
  void uriFileIsReadWithoutItsTrailingNewline() throws Exception {
    Path file = write(FILE_URI + "\n");

    BrokerSettings settings =
        parse("--uri-file", file.toString()).settings(Map.<String, String>of()::get);

    assertEquals("file-host", settings.uri().getHost());
    assertEquals(5673, settings.port());
    assertEquals("Fr0mFile", settings.userInfo().orElseThrow().password());
  }

  @Test
  void theFileNamedByTheEnvironmentIsUsedWhenNoFlagIsGiven() throws Exception {
    Path file = write(FILE_URI + "\r\n");

    BrokerSettings settings =
        parse().settings(Map.of(BrokerSettings.URI_FILE_ENV, file.toString())::get);

    assertEquals("file-host", settings.uri().getHost());
  }

  @Test
  void aFlagBeatsTheEnvironment() throws Exception {
    Path file = write(FILE_URI);
    Map<String, String> env = Map.of(BrokerSettings.URI_ENV, "amqp://env-host");

    assertEquals(
        "file-host", parse("--uri-file", file.toString()).settings(env::get).uri().getHost());
    assertEquals(
        "flag-host",
        parse("--uri", "amqp://flag-host")
            .settings(Map.of(BrokerSettings.URI_FILE_ENV, file.toString())::get)
            .uri()
            .getHost());
  }

  @Test
  void twoSourcesAtOneLevelAreRefusedNotChosenSilently() throws Exception {
    Path file = write(FILE_URI);

    IllegalArgumentException flags =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                parse("--uri", "amqp://h", "--uri-file", file.toString())
                    .settings(Map.<String, String>of()::get));
    IllegalArgumentException env =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                parse()
                    .settings(
                        Map.<String, String>of(
                                BrokerSettings.URI_ENV,
                                "amqp://h",
                                BrokerSettings.URI_FILE_ENV,
                                file.toString())
                            ::get));

    assertTrue(flags.getMessage().contains("not both"), flags.getMessage());
    assertTrue(env.getMessage().contains("not both"), env.getMessage());
  }

  @Test
  void aMissingOrEmptyFileIsAClearErrorThatQuotesNoContent() throws Exception {
    Path missing = directory.resolve("missing.uri");
    Path empty = write("\n");
    Path twoLines = write("amqp://app:Fr0mFile@h\nsecond line\n");

    for (Path file : new Path[] {missing, empty, twoLines}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> parse("--uri-file", file.toString()).settings(Map.<String, String>of()::get));
      assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
      assertFalse(e.getMessage().contains("Fr0mFile"), e.getMessage());
    }
  }

  @Test
  void withoutAnySourceTheDefaultApplies() {
    assertEquals(
        BrokerSettings.DEFAULT_URI,
        parse().settings(Map.<String, String>of()::get).uri().toString());
  }

  private Path write(String text) throws Exception {
    Path file = Files.createTempFile(directory, "broker", ".uri");
    Files.writeString(file, text);
    return file;
  }

  private static BrokerOptions parse(String... args) {
    Probe probe = new Probe();
    new CommandLine(probe).parseArgs(args);
    return probe.broker;
  }
}
