package orderflow.config;

import picocli.CommandLine.Option;

/**
 * The {@code --uri} and {@code --namespace} options every command shares, with environment
 * fallbacks. Use as a picocli {@code @Mixin}.
 */
public final class BrokerOptions {
  @Option(
      names = "--uri",
      paramLabel = "URI",
      description =
          "Broker URI, amqp:// or amqps:// for TLS (env RABBITMQ_URI,"
              + " default amqp://guest:****@localhost:5672/%%2F)",
      defaultValue = "${env:RABBITMQ_URI:-" + BrokerSettings.DEFAULT_URI + "}")
  private String uri;

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
   * @throws IllegalArgumentException with a clear message when the URI or namespace is bad
   */
  public BrokerSettings settings() {
    return BrokerSettings.of(uri, namespace).withTlsCa(tlsCa);
  }

  public boolean verbose() {
    return verbose;
  }
}
