package orderflow.config;

import static java.util.stream.Collectors.joining;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The broker's nodes (differing only in host and port; print {@link #redactedUri()}), namespace and
 * TLS CA file. Every check fails with an IllegalArgumentException that never quotes the password.
 */
public record BrokerSettings(List<URI> uris, String namespace, Path tlsCa, boolean verbose) {
  public static final String DEFAULT_URI = "amqp://guest:guest@localhost:5672/%2F";
  public static final String URI_ENV = "RABBITMQ_URI";
  public static final String URI_FILE_ENV = "RABBITMQ_URI_FILE";
  public static final String NAMESPACE_ENV = "ORDERS_NAMESPACE";
  public static final String TLS_CA_ENV = "RABBITMQ_TLS_CA";
  private static final int MAX_PORT = 65_535;
  private static final String ENCODING_HINT =
      "percent-encode ':', '@', '/', '%' and spaces in the user name and password"
          + " (%3A, %40, %2F, %25, %20)";

  // A comma followed by the next URI's scheme://: any other comma (a password's) is part of a URI.
  private static final Pattern SEPARATOR =
      Pattern.compile("\\s*,\\s*(?=[A-Za-z][A-Za-z0-9+.-]*://)");

  /** Percent-decoded as UTF-8 (the client would decode US-ASCII); password may be null. */
  public record UserInfo(String username, String password) {
    @Override
    public String toString() {
      return "UserInfo[username=%s, password=%s]"
          .formatted(username, password == null ? null : "****");
    }
  }

  public BrokerSettings(URI uri, String namespace) {
    this(List.of(uri), namespace, null, false);
  }

  public BrokerSettings {
    uris = List.copyOf(Objects.requireNonNull(uris, "uris"));
    if (uris.isEmpty()) {
      throw new IllegalArgumentException("at least one broker URI is needed");
    }
    uris.forEach(BrokerSettings::check);
    for (URI node : uris) {
      if (!sameButHostAndPort(uris.get(0), node)) {
        throw listRefusal(Redaction.redact(node));
      }
    }
    namespace = namespace == null ? "" : namespace.trim();
    if (!namespace.isEmpty() && !namespace.matches("[A-Za-z0-9_\\-.]{1,100}")) {
      throw new IllegalArgumentException(
          "namespace may contain only letters, digits, '.', '_' and '-', was '"
              + LogSafe.escape(namespace)
              + "'");
    }
  }

  private static void check(URI uri) {
    if (!"amqp".equals(uri.getScheme()) && !"amqps".equals(uri.getScheme())) {
      throw new IllegalArgumentException(
          "broker URI must start with amqp:// or amqps://, was " + Redaction.redact(uri));
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException(
          "broker URI has no valid host (check the host and port; %s): %s"
              .formatted(ENCODING_HINT, Redaction.redact(uri)));
    }
    if (uri.getPort() == 0 || uri.getPort() > MAX_PORT) {
      throw new IllegalArgumentException(
          "broker URI port must be 1 to " + MAX_PORT + ", was " + uri.getPort());
    }
    userInfo(uri); // a raw second ':' is a usage error here, not at connect time
  }

  private static boolean sameButHostAndPort(URI first, URI other) {
    // The client reads an absent or empty path as the default vhost.
    return first.getScheme().equals(other.getScheme())
        && Objects.equals(first.getRawUserInfo(), other.getRawUserInfo())
        && Objects.toString(first.getRawPath(), "").equals(Objects.toString(other.getRawPath(), ""))
        && Objects.equals(first.getRawQuery(), other.getRawQuery());
  }

  private static IllegalArgumentException listRefusal(String entry) {
    return new IllegalArgumentException(
        "a broker URI list is whole amqp:// or amqps:// URIs separated by commas, differing from"
            + " the first only in host and port; this entry is not: '%s'".formatted(entry));
  }

  /** From one URI or several separated by commas ({@code amqp://n1,amqp://n2}). */
  public static BrokerSettings of(String uris, String namespace) {
    return new BrokerSettings(
        SEPARATOR.splitAsStream(uris.strip()).map(BrokerSettings::parse).toList(),
        namespace,
        null,
        false);
  }

  private static URI parse(String uri) {
    if (uri.isBlank() || uri.endsWith(",")) {
      throw listRefusal(Redaction.redactText(uri));
    }
    try {
      return new URI(uri);
    } catch (URISyntaxException e) {
      // Reason and index only, nothing chained: the input holds the password.
      String at = e.getIndex() >= 0 ? " at index " + e.getIndex() : "";
      throw new IllegalArgumentException(
          "broker URI is not a valid URI: %s%s (%s)".formatted(e.getReason(), at, ENCODING_HINT));
    }
  }

  /** Verifying TLS against the CAs of {@code pemFile} (blank or null: the JVM trust store). */
  public BrokerSettings withTlsCa(String pemFile) {
    Path path = pemFile == null || pemFile.isBlank() ? null : Path.of(pemFile);
    if (path != null && !Files.isReadable(path)) {
      throw new IllegalArgumentException("--tls-ca: cannot read " + LogSafe.escape(pemFile));
    }
    return new BrokerSettings(uris, namespace, path, verbose);
  }

  public BrokerSettings withVerbose(boolean verbose) {
    return new BrokerSettings(uris, namespace, tlsCa, verbose);
  }

  /** The first URI; its credentials, vhost, scheme and query are those of every node. */
  public URI uri() {
    return uris.get(0);
  }

  public Optional<UserInfo> userInfo() {
    return userInfo(uri());
  }

  static Optional<UserInfo> userInfo(URI uri) {
    String raw = uri.getRawUserInfo();
    if (raw == null) {
      return Optional.empty();
    }
    String[] parts = raw.split(":", -1);
    if (parts.length > 2) {
      throw new IllegalArgumentException(
          "broker URI user info must be USER:PASSWORD with one ':'; " + ENCODING_HINT);
    }
    return Optional.of(new UserInfo(decode(parts[0]), parts.length == 2 ? decode(parts[1]) : null));
  }

  static String decode(String raw) {
    // URLDecoder would turn '+' into a space: a '+' in a URI's user info is a plus.
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** The first URI without user name and password, for clients that would parse them themselves. */
  public URI uriWithoutUserInfo() {
    URI uri = uri();
    // From the raw parts: decoding and re-encoding would turn the vhost %2F into a second '/'.
    String authority = uri.getRawAuthority();
    return URI.create(
        uri.getScheme()
            + "://"
            + authority.substring(authority.lastIndexOf('@') + 1)
            + Objects.toString(uri.getRawPath(), "")
            + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
  }

  public boolean tls() {
    return "amqps".equals(uri().getScheme());
  }

  public int port() {
    return portOf(uri());
  }

  public int portOf(URI node) {
    return node.getPort() > 0 ? node.getPort() : tls() ? 5671 : 5672;
  }

  public String nodes() {
    return uris.stream().map(node -> node.getHost() + ":" + portOf(node)).collect(joining(", "));
  }

  public String redactedUri() {
    return uris.stream().map(Redaction::redact).collect(joining(","));
  }

  public String withoutSecrets(String text) {
    String safe = text;
    for (URI node : uris) {
      safe = Redaction.withoutSecrets(safe, node);
    }
    return safe;
  }

  @Override
  public String toString() {
    return "BrokerSettings[uri=%s, namespace=%s%s]"
        .formatted(redactedUri(), namespace, tlsCa == null ? "" : ", tlsCa=" + tlsCa);
  }
}
