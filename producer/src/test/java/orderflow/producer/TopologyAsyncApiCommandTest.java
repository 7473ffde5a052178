package orderflow.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/asyncapi.yaml can never drift from the topology and the schemas it is generated from. */
class TopologyAsyncApiCommandTest {
  private static final String REGENERATE =
      "docs/asyncapi.yaml differs from what the command prints; regenerate it with"
          + " `bin/producer topology asyncapi > docs/asyncapi.yaml`";

  @Test
  void theCheckedInDocumentIsExactlyWhatTheCommandPrints() throws IOException {
    CommandRun.Result result = CommandRun.run("topology", "asyncapi");

    assertEquals(0, result.exitCode(), result.toString());
    assertEquals(
        Files.readString(repositoryRoot().resolve("docs/asyncapi.yaml")), result.out(), REGENERATE);
  }

  @Test
  void aNamespacePrefixesEveryExchangeAndQueueInTheDocument() {
    CommandRun.Result result = CommandRun.run("topology", "asyncapi", "--namespace", "tenant-a");

    assertEquals(0, result.exitCode(), result.toString());
    assertTrue(result.out().contains("name: tenant-a.orders\n"), result.out());
    assertTrue(result.out().contains("address: tenant-a.inventory.dlq\n"), result.out());
  }

  private static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("docs/asyncapi.yaml"))
          && Files.isRegularFile(dir.resolve("mvnw"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "docs/asyncapi.yaml not found above " + Path.of("").toAbsolutePath());
  }
}
