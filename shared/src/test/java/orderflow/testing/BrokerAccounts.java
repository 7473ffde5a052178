package orderflow.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The least-privilege accounts of one test's namespace, created by the project's own {@code
 * bin/accounts} (so the test proves that script) and deleted on close. The script runs {@code
 * rabbitmqctl} (or {@code $RABBITMQCTL}) against the test broker's node, which needs this user to
 * be allowed to administer it (root here).
 */
public final class BrokerAccounts implements AutoCloseable {
  public static final String PRODUCER = "producer";
  public static final String INVENTORY = "inventory";
  public static final String SHIPPING = "shipping";
  public static final String ORDERS = "orders";
  public static final String READER = "reader";

  private final TestBroker broker;
  private final String prefix;
  private final Map<String, String> passwords;

  private BrokerAccounts(TestBroker broker) {
    this.broker = broker;
    this.prefix = broker.namespace() + "-";
    this.passwords =
        Map.of(
            PRODUCER, UUID.randomUUID().toString(),
            INVENTORY, UUID.randomUUID().toString(),
            SHIPPING, UUID.randomUUID().toString(),
            ORDERS, UUID.randomUUID().toString(),
            READER, UUID.randomUUID().toString());
  }

  /** Runs {@code bin/accounts} for the broker's namespace and vhost. */
  public static BrokerAccounts create(TestBroker broker) throws IOException, InterruptedException {
    BrokerAccounts accounts = new BrokerAccounts(broker);
    accounts.script();
    return accounts;
  }

  /** The account's user name, e.g. {@code it-x-1234-producer}. */
  public String user(String role) {
    return prefix + role;
  }

  /** The test broker's URI with this account's credentials instead. */
  public URI uri(String role) {
    URI admin = broker.uri();
    return URI.create(
        admin.getScheme()
            + "://"
            + user(role)
            + ":"
            + passwords.get(role)
            + "@"
            + admin.getHost()
            + ":"
            + (admin.getPort() > 0 ? admin.getPort() : 5672)
            + (admin.getRawPath() == null || admin.getRawPath().isEmpty()
                ? "/%2F"
                : admin.getRawPath()));
  }

  @Override
  public void close() throws IOException, InterruptedException {
    script("--delete");
  }

  private void script(String... extra) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(repositoryRoot().resolve("bin/accounts").toString());
    command.addAll(
        List.of("--namespace", broker.namespace(), "--vhost", vhost(), "--user-prefix", prefix));
    command.addAll(List.of(extra));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("PRODUCER_PASSWORD", passwords.get(PRODUCER));
    builder.environment().put("INVENTORY_PASSWORD", passwords.get(INVENTORY));
    builder.environment().put("SHIPPING_PASSWORD", passwords.get(SHIPPING));
    builder.environment().put("ORDERS_PASSWORD", passwords.get(ORDERS));
    builder.environment().put("READER_PASSWORD", passwords.get(READER));
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("bin/accounts did not finish in 60 s: " + output);
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          "bin/accounts failed (exit "
              + process.exitValue()
              + "); it needs rabbitmqctl for the test broker's node, or RABBITMQCTL naming the"
              + " command that reaches it: "
              + output);
    }
  }

  private String vhost() {
    String path = broker.uri().getRawPath();
    if (path == null || path.length() <= 1) {
      return "/";
    }
    return URLDecoder.decode(path.substring(1), StandardCharsets.UTF_8);
  }

  /** The repository's root: the nearest directory upwards that holds {@code bin/accounts}. */
  public static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("bin/accounts"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no bin/accounts above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }
}
