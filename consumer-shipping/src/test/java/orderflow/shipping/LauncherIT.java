package orderflow.shipping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import orderflow.testing.BrokerAccounts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/consumer-*} keep their default heap and collector when {@code JAVA_OPTS} sets other
 * options, and give way only to a {@code JAVA_OPTS} that sets {@code -Xmx}, or names a collector,
 * itself; their C1-only default comes before {@code JAVA_OPTS}, whose own level wins. Runs the real
 * launcher (after the jar is packaged, hence an IT; no broker) with a {@code java} on the PATH that
 * prints its arguments.
 */
class LauncherIT {
  @TempDir Path dir;

  @Test
  void javaOptsWithoutAHeapSizeKeepTheDefaultHeap() throws Exception {
    List<String> args = launch("-Dfoo=bar -XX:+UseSerialGC");

    assertTrue(args.contains("-Xmx192m"), args.toString());
    assertTrue(args.contains("-Dfoo=bar") && args.contains("-XX:+UseSerialGC"), args.toString());
    assertTrue(args.contains("-XX:+ExitOnOutOfMemoryError"), args.toString());
  }

  @Test
  void javaOptsWithAHeapSizeReplaceTheDefault() throws Exception {
    List<String> args = launch("-Dfoo=bar -Xmx512m");

    assertFalse(args.contains("-Xmx192m"), args.toString());
    assertTrue(args.contains("-Xmx512m"), args.toString());
  }

  @Test
  void withoutJavaOptsTheDefaultHeapAndCollectorApply() throws Exception {
    List<String> args = launch(null);

    assertTrue(args.contains("-Xmx192m"), args.toString());
    assertTrue(args.contains("-XX:+UseSerialGC"), args.toString());
    assertTrue(args.contains("-XX:TieredStopAtLevel=1"), args.toString());
  }

  @Test
  void javaOptsCompilerLevelComesLastAndWins() throws Exception {
    List<String> args = launch("-XX:TieredStopAtLevel=4");

    assertTrue(
        args.lastIndexOf("-XX:TieredStopAtLevel=4") > args.indexOf("-XX:TieredStopAtLevel=1"),
        args.toString());
  }

  @Test
  void javaOptsNamingACollectorReplaceTheDefaultOne() throws Exception {
    List<String> args = launch("-Dfoo=bar -XX:+UseG1GC");

    assertTrue(args.contains("-XX:+UseG1GC"), args.toString());
    assertFalse(args.contains("-XX:+UseSerialGC"), args.toString());
    assertTrue(args.contains("-Xmx192m"), args.toString());
  }

  private List<String> launch(String javaOpts) throws Exception {
    Path fakeJava = dir.resolve("java");
    Files.writeString(fakeJava, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
    Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path launcher = BrokerAccounts.repositoryRoot().resolve("bin/consumer-shipping");
    ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "--version");
    builder.environment().put("PATH", dir + ":" + System.getenv("PATH"));
    if (javaOpts == null) {
      builder.environment().remove("JAVA_OPTS");
    } else {
      builder.environment().put("JAVA_OPTS", javaOpts);
    }
    Process process = builder.redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, process.exitValue(), output);
    return output.lines().toList();
  }
}
