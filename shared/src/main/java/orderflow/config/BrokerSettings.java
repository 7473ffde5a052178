package orderflow.config;

import static java.util.stream.Collectors.joining;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where the broker is and which namespace this process works in. Every check of the URI fails with
 * an {@link IllegalArgumentException} whose message never quotes the password (commands turn it
 * into a usage error, exit 2). Immutable and thread-safe.
 *
 * @param uris one or more {@code amqp://} or {@code amqps://} URIs, the nodes of one cluster: they
 *     differ only in host and port ({@link BrokerUriList}). They may contain credentials, so never
 *     print them directly: use {@link #redactedUri()}
 * @param namespace prefix of every exchange and queue name, or empty for none
 * @param tlsCa PEM file of the CA certificates an {@code amqps://} broker is verified against, or
 *     null for the JVM trust store
 */
public record BrokerSettings(List<URI> uris, String namespace, Path tlsCa) {
  public static final String DEFAULT_URI = "amqp://guest:guest@localhost:5672/%2F";
  public static final String URI_ENV = "RABBITMQ_URI";
  public static final String URI_FILE_ENV = "RABBITMQ_URI_FILE";
  public static final String NAMESPACE_ENV = "ORDERS_NAMESPACE";
  public static final String TLS_CA_ENV = "RABBITMQ_TLS_CA";
  public static final int MAX_PORT = 65_535;

  /** Settings of one broker node, verifying TLS against the JVM trust store. */
  public BrokerSettings(URI uri, String namespace) {
    this(List.of(uri), namespace, null);
  }

  /** Settings of one broker node. */
  public BrokerSettings(URI uri, String namespace, Path tlsCa) {
    this(List.of(uri), namespace, tlsCa);
  }

  public BrokerSettings {
    Objects.requireNonNull(uris, "uris");
    if (uris.isEmpty()) {
      throw new IllegalArgumentException("at least one broker URI is needed");
    }
    uris = List.copyOf(uris);
    uris.forEach(BrokerSettings::checkUri);
    BrokerUriList.requireSameAccount(uris);
    namespace = namespace == null ? "" : namespace.trim();
    if (!namespace.isEmpty() && !namespace.matches("[A-Za-z0-9_\\-.]{1,100}")) {
      throw new IllegalArgumentException(
          "namespace may contain only letters, digits, '.', '_' and '-', was '"
              + LogSafe.escape(namespace)
              + "'");
    }
  }

  private static void checkUri(URI uri) {
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
  }

  /**
   * Settings from one URI or several separated by commas ({@code
   * amqp://u:p@node1,amqp://u:p@node2}; a comma inside a password stays part of it).
   */
  public static BrokerSettings of(String uri, String namespace) {
    List<URI> parsed = new ArrayList<>();
    for (String one : BrokerUriList.split(uri)) {
      parsed.add(parse(one));
    }
    return new BrokerSettings(parsed, namespace, null);
  }

  private static URI parse(String uri) {
    try {
      return new URI(uri);
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
      return new BrokerSettings(uris, namespace, null);
    }
    Path path = Path.of(pemFile);
    if (!Files.isReadable(path)) {
      throw new IllegalArgumentException("--tls-ca: cannot read " + LogSafe.escape(pemFile));
    }
    return new BrokerSettings(uris, namespace, path);
  }

  /**
   * The first URI. Its credentials, vhost, scheme and query are those of every URI in the list; use
   * {@link #uris()} for the nodes.
   */
  public URI uri() {
    return uris.get(0);
  }

  /** The user name and password, percent-decoded (UTF-8); empty when the URI has none. */
  public Optional<UserInfo> userInfo() {
    return UserInfo.of(uri());
  }

  /** The first URI without user name and password, for clients that would parse them themselves. */
  public URI uriWithoutUserInfo() {
    URI uri = uri();
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
    return "amqps".equals(uri().getScheme());
  }

  /** The first node's host. */
  public String host() {
    return uri().getHost();
  }

  /** The first node's port. */
  public int port() {
    return portOf(uri());
  }

  /** The port of one of {@link #uris()}, the scheme's default when it names none. */
  public int portOf(URI node) {
    return node.getPort() > 0 ? node.getPort() : tls() ? 5671 : 5672;
  }

  /** Every node as {@code host:port}, comma-separated, for messages. */
  public String nodes() {
    return uris.stream().map(node -> node.getHost() + ":" + portOf(node)).collect(joining(", "));
  }

  /**
   * Every URI with any password replaced by {@code ****}, comma-separated: safe for logs and error
   * messages.
   */
  public String redactedUri() {
    return uris.stream().map(Redaction::redact).collect(joining(","));
  }

  /** {@link Redaction#withoutSecrets} for the credentials of every URI. */
  public String withoutSecrets(String text) {
    String safe = text;
    for (URI node : uris) {
      safe = Redaction.withoutSecrets(safe, node);
    }
    return safe;
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
