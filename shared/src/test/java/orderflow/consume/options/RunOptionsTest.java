package orderflow.consume.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import orderflow.consume.engine.ConsumerSettings;
import orderflow.topology.RetryTiers;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class RunOptionsTest {
  @Command(name = "run")
  static final class Run {
    @Mixin RunOptions options;
  }

  private static RunOptions parsed(String... args) {
    Run run = new Run();
    new CommandLine(run).parseArgs(args);
    return run.options;
  }

  @Test
  void theDefaultsAreTheDocumentedOnes() {
    ConsumerSettings settings = parsed().settings();
    assertEquals(1000, settings.prefetch());
    assertEquals(RetryTiers.DEFAULT, settings.tiers());
    assertEquals(3, settings.maxRetries());
    assertEquals(500, settings.batchSize());
    assertEquals(Duration.ofSeconds(10), settings.breakerReset());
    assertEquals(Duration.ofDays(7), settings.dedupWindow());
    assertEquals("127.0.0.1", settings.httpBind());
    assertNull(settings.httpPort());
    assertTrue(settings.declareTopology());
  }

  @Test
  void aSettingOutOfRangeIsReportedUnderItsFlag() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> parsed("--prefetch", "0").settings());
    assertTrue(e.getMessage().startsWith("--prefetch must be between 1 and 1024"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> parsed("--inject-failures", "2").settings());
    assertEquals("--inject-failures must be a fraction between 0 and 1", e.getMessage());
  }
}
