package orderflow.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where the broker is and which namespace this process works in. Every check of the URI fails with
 * an {@link IllegalArgumentException} whose message never quotes the password (commands turn it
 * into a usage error, exit 2). Immutable and thread-safe.
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
  public static final String URI_FILE_ENV = "RABBITMQ_URI_FILE";
  public static final String NAMESPACE_ENV = "ORDERS_NAMESPACE";
  public static final String TLS_CA_ENV = "RABBITMQ_TLS_CA";
  public static final int MAX_PORT = 65_535;

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
      throw new IllegalArgumentException(
          "broker URI has no valid host (check the host and port; "
              + UserInfo.ENCODING_HINT
              + "): "
              + Redaction.redact(uri));
    }
    if (uri.getPort() == 0 || uri.getPort() > MAX_PORT) {
      throw new IllegalArgumentException(
          "broker URI port must be 1 to " + MAX_PORT + ", was " + uri.getPort());
    }
    // A raw second ':' is refused here, as a usage error, not at connect time.
    UserInfo.of(uri);
    namespace = namespace == null ? "" : namespace.trim();
    if (!namespace.isEmpty() && !namespace.matches("[A-Za-z0-9_\\-.]{1,100}")) {
      throw new IllegalArgumentException(
          "namespace may contain only letters, digits, '.', '_' and '-', was '"
              + LogSafe.escape(namespace)
              + "'");
    }
  }

  public static BrokerSettings of(String uri, String namespace) {
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      // Reason and index only: the input itself holds the password. Nothing chained, for the same
      // reason (a stack trace with --verbose would print the cause's message).
      throw new IllegalArgumentException(
          "broker URI is not a valid URI: "
              + e.getReason()
              + (e.getIndex() >= 0 ? " at index " + e.getIndex() : "")
              + " ("
              + UserInfo.ENCODING_HINT
              + ")");
    }
    return new BrokerSettings(parsed, namespace);
  }

  /**
   * Settings from {@code RABBITMQ_URI_FILE} (a file holding the URI) or {@code RABBITMQ_URI}, and
   * {@code ORDERS_NAMESPACE}, with the defaults.
   */
  public static BrokerSettings fromEnv(Function<String, String> env) {
    return of(BrokerUriSource.resolve(null, null, env), env.apply(NAMESPACE_ENV))
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
      throw new IllegalArgumentException("--tls-ca: cannot read " + LogSafe.escape(pemFile));
    }
    return new BrokerSettings(uri, namespace, path);
  }

  /** The user name and password, percent-decoded (UTF-8); empty when the URI has none. */
  public Optional<UserInfo> userInfo() {
    return UserInfo.of(uri);
  }

  /** The URI without user name and password, for clients that would parse them themselves. */
  public URI uriWithoutUserInfo() {
    // From the raw parts: decoding and re-encoding would turn the vhost %2F into a second '/'.
    String authority = uri.getRawAuthority();
    String hostAndPort = authority.substring(authority.lastIndexOf('@') + 1);
    return URI.create(
        uri.getScheme()
            + "://"
            + hostAndPort
            + (uri.getRawPath() == null ? "" : uri.getRawPath())
            + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
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
