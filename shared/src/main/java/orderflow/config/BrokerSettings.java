package orderflow.config;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;

/**
 * Where the broker is and which namespace this process works in.
 *
 * @param uri {@code amqp://} or {@code amqps://} URI; may contain credentials, so never print it
 *     directly: use {@link #redactedUri()}
 * @param namespace prefix of every exchange and queue name, or empty for none
 * @param tlsCa PEM file of the CA certificates an {@code amqps://} broker is verified against, or
 *     null for the JVM trust store
 */
public record BrokerSettings(URI uri, String namespace, Path tlsCa) {
  public static final String DEFAULT_URI = "amqp://guest:guest@localhost:5672/%2F";
  public static final String URI_ENV = "RABBITMQ_URI";
  public static final String NAMESPACE_ENV = "ORDERS_NAMESPACE";
  public static final String TLS_CA_ENV = "RABBITMQ_TLS_CA";

  /** Settings verifying TLS against the JVM trust store. */
  public BrokerSettings(URI uri, String namespace) {
    this(uri, namespace, null);
  }

  public BrokerSettings {
    Objects.requireNonNull(uri, "uri");
    String scheme = uri.getScheme();
    if (!"amqp".equals(scheme) && !"amqps".equals(scheme)) {
      throw new IllegalArgumentException(
          "broker URI must start with amqp:// or amqps://, was " + Redaction.redact(uri));
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("broker URI has no host: " + Redaction.redact(uri));
    }
    namespace = namespace == null ? "" : namespace.trim();
    if (!namespace.isEmpty() && !namespace.matches("[A-Za-z0-9_\\-.]{1,100}")) {
      throw new IllegalArgumentException(
          "namespace may contain only letters, digits, '.', '_' and '-', was '" + namespace + "'");
    }
  }

  public static BrokerSettings of(String uri, String namespace) {
    try {
      return new BrokerSettings(URI.create(uri), namespace);
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("broker URI")) {
        throw e;
      }
      throw new IllegalArgumentException("broker URI is not a valid URI", e);
    }
  }

  /** Settings from {@code RABBITMQ_URI} and {@code ORDERS_NAMESPACE}, with the defaults. */
  public static BrokerSettings fromEnv(Function<String, String> env) {
    String uri = env.apply(URI_ENV);
    return of(uri == null || uri.isBlank() ? DEFAULT_URI : uri, env.apply(NAMESPACE_ENV))
        .withTlsCa(env.apply(TLS_CA_ENV));
  }

  /**
   * These settings verifying TLS against the CA certificates of {@code pemFile} (blank or null: the
   * JVM trust store).
   *
   * @throws IllegalArgumentException when the file does not exist
   */
  public BrokerSettings withTlsCa(String pemFile) {
    if (pemFile == null || pemFile.isBlank()) {
      return new BrokerSettings(uri, namespace, null);
    }
    Path path = Path.of(pemFile);
    if (!Files.isReadable(path)) {
      throw new IllegalArgumentException("--tls-ca: cannot read " + pemFile);
    }
    return new BrokerSettings(uri, namespace, path);
  }

  public boolean tls() {
    return "amqps".equals(uri.getScheme());
  }

  public String host() {
    return uri.getHost();
  }

  public int port() {
    return uri.getPort() > 0 ? uri.getPort() : tls() ? 5671 : 5672;
  }

  /** The URI with any password replaced by {@code ****}: safe for logs and error messages. */
  public String redactedUri() {
    return Redaction.redact(uri);
  }

  @Override
  public String toString() {
    return "BrokerSettings[uri="
        + redactedUri()
        + ", namespace="
        + namespace
        + (tlsCa == null ? "" : ", tlsCa=" + tlsCa)
        + "]";
  }
}
