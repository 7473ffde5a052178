package orderflow.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A second RabbitMQ node on this machine with only a TLS listener, on 127.0.0.2 and 127.0.0.3 at a
 * free port, its CA and server certificate made with openssl at start (the certificate names {@code
 * localhost} and 127.0.0.2 only, so 127.0.0.3 is a wrong host). Its own node name, ports, data
 * directory, config and Erlang cookie: it never touches the node on 5672. {@link #close} stops it
 * and deletes its files.
 */
public final class TlsBrokerNode implements AutoCloseable {
  public static final String TRUSTED_HOST = "127.0.0.2";
  public static final String WRONG_HOST = "127.0.0.3";
  private static final Duration START_DEADLINE = Duration.ofSeconds(90);

  private final Path dir;
  private final String nodeName;
  private final int tlsPort;
  private Process server;

  private TlsBrokerNode(Path dir) throws IOException {
    this.dir = dir;
    this.nodeName = "orderflow-tls-" + UUID.randomUUID().toString().substring(0, 8) + "@localhost";
    this.tlsPort = freePort();
  }

  /** Makes the certificates, starts the node and waits until its TLS port answers. */
  public static TlsBrokerNode start() throws IOException, InterruptedException {
    TlsBrokerNode node = new TlsBrokerNode(Files.createTempDirectory("orderflow-tls-node"));
    try {
      node.makeCertificates();
      node.launch();
      return node;
    } catch (IOException | InterruptedException | RuntimeException e) {
      node.close();
      throw e;
    }
  }

  public int port() {
    return tlsPort;
  }

  /** The CA that signed the server certificate. */
  public Path caCertificate() {
    return dir.resolve("ca.pem");
  }

  /** A CA that signed nothing this node presents. */
  public Path otherCaCertificate() {
    return dir.resolve("other-ca.pem");
  }

  /** {@code amqps://guest:guest@HOST:PORT/%2F}. */
  public String uri(String host) {
    return "amqps://guest:guest@" + host + ":" + tlsPort + "/%2F";
  }

  private void makeCertificates() throws IOException, InterruptedException {
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=orderflow-test-ca",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem");
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=orderflow-other-ca",
        "-keyout",
        "other-ca.key",
        "-out",
        "other-ca.pem");
    openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        "server.key",
        "-out",
        "server.csr");
    Files.writeString(
        dir.resolve("server.ext"), "subjectAltName=DNS:localhost,IP:" + TRUSTED_HOST + "\n");
    openssl(
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "server.ext",
        "-out",
        "server.pem");
  }

  private void launch() throws IOException, InterruptedException {
    Files.writeString(
        dir.resolve("rabbitmq.conf"),
        String.join(
            "\n",
            "listeners.tcp = none",
            "listeners.ssl.1 = " + TRUSTED_HOST + ":" + tlsPort,
            "listeners.ssl.2 = " + WRONG_HOST + ":" + tlsPort,
            "ssl_options.cacertfile = " + dir.resolve("ca.pem"),
            "ssl_options.certfile = " + dir.resolve("server.pem"),
            "ssl_options.keyfile = " + dir.resolve("server.key"),
            "ssl_options.verify = verify_none",
            "ssl_options.fail_if_no_peer_cert = false",
            "loopback_users = none",
            ""));
    Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
    ProcessBuilder builder =
        new ProcessBuilder(command("rabbitmq-server"))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("server.out").toFile());
    environment(builder.environment());
    server = builder.start();
    long deadline = System.nanoTime() + START_DEADLINE.toNanos();
    while (!BrokerSelection.answers(TRUSTED_HOST, tlsPort)) {
      if (!server.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the TLS RabbitMQ node did not start (exit "
                + (server.isAlive() ? "none yet" : server.exitValue())
                + "): "
                + tail(dir.resolve("server.out")));
      }
      Thread.sleep(200);
    }
  }

  private void environment(Map<String, String> env) throws IOException {
    env.put("HOME", dir.toString()); // its own Erlang cookie, shared with our rabbitmqctl only
    env.put("RABBITMQ_NODENAME", nodeName);
    env.put("RABBITMQ_NODE_PORT", String.valueOf(freePort()));
    env.put("RABBITMQ_DIST_PORT", String.valueOf(freePort()));
    env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
    env.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
    env.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq.conf").toString());
    env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
    env.put("RABBITMQ_PID_FILE", dir.resolve("node.pid").toString());
  }

  @Override
  public void close() throws IOException, InterruptedException {
    try {
      if (server != null && server.isAlive()) {
        ProcessBuilder stop =
            new ProcessBuilder(command("rabbitmqctl"), "-n", nodeName, "stop")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("stop.out").toFile());
        environment(stop.environment());
        Process stopping = stop.start();
        if (!stopping.waitFor(60, TimeUnit.SECONDS)) {
          stopping.destroyForcibly();
        }
        if (!server.waitFor(60, TimeUnit.SECONDS)) {
          server.descendants().forEach(ProcessHandle::destroyForcibly);
          server.destroyForcibly();
        }
      }
    } finally {
      deleteTree(dir);
    }
  }

  /**
   * The Debian wrapper in /usr/sbin switches to the rabbitmq user and its home; use the real one.
   */
  private static String command(String name) {
    Path direct = Path.of("/usr/lib/rabbitmq/bin", name);
    return Files.isExecutable(direct) ? direct.toString() : name;
  }

  private void openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + output);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
