package orderflow.shipping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
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
 * {@code bin/demo} with no broker at its {@code RABBITMQ_URI} stops at once with one line that
 * names the address, before building or starting anything, and never starts a Docker broker in
 * place of a URI the user chose. Runs the real script with a {@code docker} on the PATH that
 * records its calls (no broker, no Docker engine needed).
 */
class DemoBrokerTest {
  @TempDir Path dir;

  @Test
  void noBrokerAndNoDockerStopsWithOneLineNamingTheAddress() throws Exception {
    int port = unusedPort();

    Result result = demo(port, false);

    assertEquals(1, result.exit(), result.stderr().toString());
    assertEquals(1, result.stderr().size(), result.stderr().toString());
    assertTrue(
        result.stderr().get(0).startsWith("demo: no RabbitMQ answers at 127.0.0.1:" + port),
        result.stderr().toString());
    assertFalse(result.stderr().get(0).contains("Docker"), result.stderr().toString());
  }

  @Test
  void anExplicitUriIsNeverReplacedByADockerBroker() throws Exception {
    int port = unusedPort();

    Result result = demo(port, true);

    assertEquals(1, result.exit(), result.stderr().toString());
    assertEquals(1, result.stderr().size(), result.stderr().toString());
    assertTrue(result.stderr().get(0).contains("unset RABBITMQ_URI"), result.stderr().toString());
    assertFalse(result.dockerCalls().contains("compose up -d rabbitmq"), result.dockerCalls());
  }

  private record Result(int exit, List<String> stderr, String dockerCalls) {}

  private Result demo(int port, boolean dockerWorks) throws Exception {
    Path calls = dir.resolve("docker-calls");
    Path fakeDocker = dir.resolve("docker");
    Files.writeString(
        fakeDocker,
        "#!/bin/sh\necho \"$*\" >>'"
            + calls
            + "'\n"
            + (dockerWorks
                ? "exit 0\n"
                : "echo 'Cannot connect to the Docker daemon' >&2\nexit 1\n"));
    Files.setPosixFilePermissions(fakeDocker, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path script = BrokerAccounts.repositoryRoot().resolve("bin/demo");
    ProcessBuilder builder = new ProcessBuilder(script.toString());
    builder.environment().put("PATH", dir + ":" + System.getenv("PATH"));
    builder.environment().put("RABBITMQ_URI", "amqp://guest:guest@127.0.0.1:" + port + "/%2F");
    Process process = builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "bin/demo did not stop within 30 s");
    String dockerCalls = Files.exists(calls) ? Files.readString(calls) : "";
    return new Result(process.exitValue(), stderr.lines().toList(), dockerCalls);
  }

  private static int unusedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
