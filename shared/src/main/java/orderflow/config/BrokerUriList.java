package orderflow.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Splits a {@code --uri} value holding several broker URIs ({@code amqp://a,amqp://b}) and checks
 * that they name the same account on several nodes of one cluster: every URI may differ from the
 * first only in host and port. Credentials, vhost, scheme (so TLS) and query (so the heartbeat) are
 * set once per connection, so a list that mixed them would connect differently depending on which
 * node answered.
 *
 * <p>Stateless and thread-safe.
 */
final class BrokerUriList {
  /**
   * A comma followed by the next URI's {@code scheme://}. A comma elsewhere is part of a URI: a
   * password may hold a raw comma and keeps working. Any scheme, not only amqp: an entry such as
   * {@code http://...} is then refused as itself rather than read as part of the URI before it.
   */
  private static final Pattern SEPARATOR =
      Pattern.compile("\\s*,\\s*(?=[A-Za-z][A-Za-z0-9+.-]*://)");

  private BrokerUriList() {}

  /**
   * The URIs of a comma-separated list, as text, in the order given.
   *
   * @throws IllegalArgumentException when an entry is empty
   */
  static List<String> split(String uris) {
    Objects.requireNonNull(uris, "uris");
    List<String> parts = new ArrayList<>();
    for (String part : SEPARATOR.split(uris.strip(), -1)) {
      if (part.isBlank() || part.endsWith(",")) {
        throw new IllegalArgumentException(
            "broker URI list has an empty entry: separate whole amqp:// or amqps:// URIs with one"
                + " comma");
      }
      parts.add(part);
    }
    return parts;
  }

  /**
   * @throws IllegalArgumentException naming the first URI (redacted) that differs from the first
   *     one in anything but host and port, and what differs
   */
  static void requireSameAccount(List<URI> uris) {
    URI first = uris.get(0);
    for (int index = 1; index < uris.size(); index++) {
      URI other = uris.get(index);
      String difference = difference(first, other);
      if (difference != null) {
        throw new IllegalArgumentException(
            "every broker URI in the list must differ from the first only in host and port, but"
                + " URI "
                + (index + 1)
                + " ("
                + Redaction.redact(other)
                + ") has another "
                + difference
                + " than URI 1 ("
                + Redaction.redact(first)
                + ")");
      }
    }
  }

  private static String difference(URI first, URI other) {
    if (!first.getScheme().equalsIgnoreCase(other.getScheme())) {
      return "scheme (amqp:// or amqps://, so TLS)";
    }
    if (!Objects.equals(first.getRawUserInfo(), other.getRawUserInfo())) {
      return "user name or password";
    }
    if (!Objects.equals(vhostPath(first), vhostPath(other))) {
      return "vhost";
    }
    if (!Objects.equals(first.getRawQuery(), other.getRawQuery())) {
      return "query (e.g. ?heartbeat=)";
    }
    return null;
  }

  /** The client reads an absent or empty path as the default vhost {@code /}. */
  private static String vhostPath(URI uri) {
    String path = uri.getRawPath();
    return path == null || path.isEmpty() ? "" : path;
  }
}
