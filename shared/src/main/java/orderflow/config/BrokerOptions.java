package orderflow.config;

import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * The {@code --uri}, {@code --uri-file} and {@code --namespace} options every command shares, with
 * environment fallbacks. Use as a picocli {@code @Mixin}. Not thread-safe: picocli fills it, then
 * one command reads it.
 */
public final class BrokerOptions {
  // No default here: BrokerUriSource decides between the flags, the environment and the default.
  @Option(
      names = "--uri",
      paramLabel = "URI",
      description =
          "Broker URI, amqp:// or amqps:// for TLS (env RABBITMQ_URI,"
              + " default amqp://guest:****@localhost:5672/%%2F); the nodes of a cluster as URIs"
              + " separated by commas, differing only in host and port. A password here is"
              + " visible in `ps`: prefer --uri-file")
  private String uri;

  @Option(
      names = "--uri-file",
      paramLabel = "FILE",
      description =
          "File holding the broker URI (or comma-separated URIs) on one line, e.g. with the"
              + " password (env"
              + " RABBITMQ_URI_FILE)")
  private String uriFile;

  @Option(
      names = "--namespace",
      paramLabel = "NS",
      description = "Prefix of every exchange and queue name (env ORDERS_NAMESPACE)",
      defaultValue = "${env:ORDERS_NAMESPACE:-}")
  private String namespace;

  @Option(
      names = "--tls-ca",
      paramLabel = "FILE",
      description =
          "PEM file of the CA certificates an amqps:// broker is verified against (env"
              + " RABBITMQ_TLS_CA; default: the JVM trust store)",
      defaultValue = "${env:RABBITMQ_TLS_CA:-}")
  private String tlsCa;

  @Option(names = "--verbose", description = "Print stack traces with errors")
  private boolean verbose;

  /**
   * @throws IllegalArgumentException with a clear message, never quoting a password, when the URI,
   *     its file or the namespace is bad
   */
  public BrokerSettings settings() {
    return settings(System::getenv);
  }

  /** {@link #settings()} with the environment given, for tests. */
  public BrokerSettings settings(Function<String, String> env) {
    return BrokerSettings.of(BrokerUriSource.resolve(uri, uriFile, env), namespace)
        .withTlsCa(
            tlsCa != null && !tlsCa.isBlank() ? tlsCa : env.apply(BrokerSettings.TLS_CA_ENV));
  }

  public boolean verbose() {
    return verbose;
  }
}
