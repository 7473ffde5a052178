package orderflow.deploy;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class ExternalToolTest {
  private static final ExternalTool MISSING =
      new ExternalTool("orderflow-no-such-tool", "install it from nowhere");

  @Test
  void aMissingToolFailsUnderCiAndSaysWhatToInstall() {
    Map<String, String> ci = Map.of("CI", "true", "PATH", "/usr/bin:/bin");
    AssertionFailedError failure =
        assertThrows(AssertionFailedError.class, () -> MISSING.requireInstalled(ci::get));
    assertTrue(failure.getMessage().contains("orderflow-no-such-tool"), failure.getMessage());
    assertTrue(failure.getMessage().contains("install it from nowhere"), failure.getMessage());
  }

  @Test
  void aMissingToolIsReportedAsSkippedOutsideCi() {
    Map<String, String> developer = Map.of("PATH", "/usr/bin:/bin");
    assertThrows(TestAbortedException.class, () -> MISSING.requireInstalled(developer::get));
  }

  @Test
  void aToolOnThePathPasses() {
    new ExternalTool("sh", "").requireInstalled(Map.of("CI", "true", "PATH", "/usr/bin:/bin")::get);
  }
}
