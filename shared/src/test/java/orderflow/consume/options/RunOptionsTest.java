package orderflow.consume.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import orderflow.consume.engine.ConsumerSettings;
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
  void theCommandLineDefaultsAreTheSettingsDefaults() {
    assertEquals(ConsumerSettings.defaults(), parsed().settings());
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
