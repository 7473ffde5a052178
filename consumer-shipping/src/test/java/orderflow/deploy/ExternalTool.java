package orderflow.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;

/**
 * A command-line tool a test shells out to ({@code kubectl}, {@code promtool}). A missing tool
 * fails the test under {@code CI=true} ({@code .ci/run} installs it) and aborts it, reported as
 * skipped with the reason, on a developer's machine.
 */
record ExternalTool(String command, String howToInstall) {
  private static final long TIMEOUT_SECONDS = 120;

  /** What a run printed (stdout and stderr together) and its exit code. */
  record Result(int exitCode, String output) {}

  /** Runs the tool with {@code arguments} in {@code directory}. */
  Result run(Path directory, String... arguments) {
    requireInstalled(System::getenv);
    List<String> commandLine = new ArrayList<>();
    commandLine.add(command);
    commandLine.addAll(List.of(arguments));
    try {
      Process process =
          new ProcessBuilder(commandLine)
              .directory(directory.toFile())
              .redirectErrorStream(true)
              .start();
      process.getOutputStream().close();
      // Read before waiting: a full pipe would block the tool.
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail(String.join(" ", commandLine) + " did not end within " + TIMEOUT_SECONDS + " s");
      }
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      throw new AssertionError("cannot run " + String.join(" ", commandLine) + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + command, e);
    }
  }

  /** Returns if the tool is on the PATH; fails under {@code CI=true}, aborts otherwise. */
  void requireInstalled(Function<String, String> env) {
    if (onPath(env.apply("PATH"))) {
      return;
    }
    String message = command + " is not on the PATH: " + howToInstall;
    if ("true".equals(env.apply("CI"))) {
      fail(message + " (under CI=true a missing tool fails the build; .ci/run installs it)");
    }
    Assumptions.abort(message);
  }

  private boolean onPath(String path) {
    for (String dir : (path == null ? "" : path).split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}
