package orderflow.config;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The user name and password of a broker URI, percent-decoded as UTF-8. The Java client decodes
 * them as US-ASCII (a percent-encoded non-ASCII password arrives garbled) and, given a raw second
 * {@code :}, fails with a message that quotes the password; so the URI is decoded here, once.
 *
 * <p>Immutable and thread-safe; its {@code toString} masks the password.
 *
 * @param password null when the URI names a user without a password
 */
public record UserInfo(String username, String password) {
  /** Where to look when a user name or password does not fit in a URI as it is. */
  public static final String ENCODING_HINT =
      "percent-encode ':', '@', '/', '%' and spaces in the user name and password"
          + " (%3A, %40, %2F, %25, %20)";

  /**
   * @throws IllegalArgumentException without quoting any of it, when the user info has more than
   *     one raw {@code :}
   */
  public static Optional<UserInfo> of(URI uri) {
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

  private static String decode(String raw) {
    // URLDecoder would turn '+' into a space: a '+' in a URI's user info is a plus.
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "UserInfo[username="
        + username
        + ", password="
        + (password == null ? null : "****")
        + "]";
  }
}
