package orderflow.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Programs outside the JVM that tests run: Node.js with the contract's npm packages, a Python with
 * given modules. A missing one fails the test under {@code CI=true} (CI installs them all, so a
 * missing one is a broken install) and skips it elsewhere; both say what is missing and how to
 * install it.
 */
public final class ExternalTool {
  /** Where {@code .ci/run} installs the contract's npm packages, under the repository root. */
  public static final String CONTRACT_PACKAGES = "contract";

  private ExternalTool() {}

  /**
   * {@code node}, once it runs and {@code contract/node_modules} holds the packages of {@code
   * contract/package-lock.json}.
   */
  public static String node() {
    Path modules =
        BrokerAccounts.repositoryRoot().resolve(CONTRACT_PACKAGES).resolve("node_modules");
    if (!runs(List.of("node", "--version"))) {
      return unavailable("node (Node.js 18 or later) is not on the PATH");
    }
    if (!Files.isDirectory(modules.resolve("ajv"))
        || !Files.isDirectory(modules.resolve("ajv-formats"))) {
      return unavailable(
          "the contract's npm packages are not installed: run `npm ci --prefix "
              + CONTRACT_PACKAGES
              + "`");
    }
    return "node";
  }

  /**
   * The first Python 3 that imports every one of {@code modules}: {@code ORDERFLOW_PYTHON} if set,
   * then {@code python3} on the PATH, then Debian's {@code /usr/bin/python3} (where {@code apt-get
   * install python3-jsonschema python3-pika} puts them).
   */
  public static String python(String... modules) {
    Set<String> candidates = new LinkedHashSet<>();
    String chosen = System.getenv("ORDERFLOW_PYTHON");
    if (chosen != null && !chosen.isBlank()) {
      candidates.add(chosen);
    }
    candidates.add("python3");
    candidates.add("/usr/bin/python3");
    String imports = "import " + String.join(", ", modules);
    for (String python : candidates) {
      if (runs(List.of(python, "-c", imports))) {
        return python;
      }
    }
    return unavailable(
        "no Python 3 among "
            + candidates
            + " can `"
            + imports
            + "`: install them (`apt-get install python3-jsonschema python3-pika`, or `pip install"
            + " -r examples/python-consumer/requirements.txt`), or set ORDERFLOW_PYTHON to an"
            + " interpreter that has them");
  }

  private static boolean runs(List<String> command) {
    try {
      Process process =
          new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
      process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return false;
      }
      return process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static <T> T unavailable(String why) {
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError(why + " (CI=true: CI must run every validator, so this fails)");
    }
    System.err.println("[tools] SKIPPED, " + why);
    Assumptions.assumeTrue(false, why);
    throw new AssertionError("unreachable");
  }
}
