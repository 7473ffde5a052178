package orderflow.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a main class of the test classpath as a child JVM, output to a log file, for tests that
 * kill or signal a real process.
 */
public final class JavaProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private JavaProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  public static JavaProcess start(Path logDir, Class<?> mainClass, List<String> args)
      throws IOException {
    return start(logDir, mainClass, "256m", args);
  }

  /** Starts {@code mainClass} in a JVM whose heap is at most {@code maxHeap} (e.g. {@code 64m}). */
  public static JavaProcess start(
      Path logDir, Class<?> mainClass, String maxHeap, List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + maxHeap);
    command.add("-XX:+ExitOnOutOfMemoryError");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(args);
    Files.createDirectories(logDir);
    Path log = Files.createTempFile(logDir, mainClass.getSimpleName(), ".log");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .directory(new File(System.getProperty("user.dir")))
            .start();
    return new JavaProcess(process, log);
  }

  public Process process() {
    return process;
  }

  public String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  /** SIGTERM, then waits for the exit code. */
  public int terminate(long timeoutSeconds) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(
          "process did not exit within " + timeoutSeconds + "s after SIGTERM:\n" + output());
    }
    return process.exitValue();
  }

  /** SIGKILL: the process gets no chance to clean up. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
