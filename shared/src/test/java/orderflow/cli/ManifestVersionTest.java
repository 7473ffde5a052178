package orderflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class ManifestVersionTest {
  @Command(name = "tool", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class)
  static final class Tool {
    @Command(name = "sub", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class)
    void sub() {}
  }

  @Test
  void namesTheProgramAndSaysDevelopmentBuildWithoutAManifest() {
    assertEquals("tool " + ManifestVersion.DEVELOPMENT, versionOf("--version"));
  }

  @Test
  void aSubcommandNamesTheRootProgram() {
    assertEquals("tool " + ManifestVersion.DEVELOPMENT, versionOf("sub", "--version"));
  }

  private static String versionOf(String... args) {
    StringWriter out = new StringWriter();
    CommandLine commandLine = new CommandLine(new Tool()).setOut(new PrintWriter(out));
    assertEquals(0, commandLine.execute(args));
    return out.toString().strip();
  }
}
