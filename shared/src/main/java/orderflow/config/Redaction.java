package orderflow.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Hides passwords in URIs, and in any text about one, before they reach any output.
 *
 * <p>This class is thread-safe: it is stateless.
 */
public final class Redaction {
  static final String MASK = "****";

  private Redaction() {}

  /**
   * The URI with the password replaced by {@code ****}, the user name kept. A URI whose user info
   * did not parse (a raw {@code @} or {@code /} in the password) is masked from after {@code ://}
   * to its last {@code @}: more than the password, maybe, never less.
   */
  public static String redact(URI uri) {
    if (uri.getHost() != null && uri.getRawUserInfo() != null) {
      String userInfo = uri.getRawUserInfo();
      int colon = userInfo.indexOf(':');
      String safe = colon < 0 ? userInfo : userInfo.substring(0, colon) + ":" + MASK;
      return uri.getScheme()
          + "://"
          + safe
          + "@"
          + uri.getRawAuthority().substring(userInfo.length() + 1)
          + (uri.getRawPath() == null ? "" : uri.getRawPath())
          + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
          + (uri.getRawFragment() == null ? "" : "#" + uri.getRawFragment());
    }
    return redactUriText(uri.toString());
  }

  /** Masks one URI's user info, written as text, up to its last {@code @}. */
  static String redactUriText(String uri) {
    int start = uri.indexOf("://");
    start = start < 0 ? 0 : start + 3;
    int at = uri.lastIndexOf('@');
    if (at < start) {
      return uri;
    }
    String userInfo = uri.substring(start, at);
    int colon = userInfo.indexOf(':');
    String user = colon < 0 ? MASK : userInfo.substring(0, colon) + ":" + MASK;
    return uri.substring(0, start) + user + uri.substring(at);
  }

  /**
   * Redacts every {@code scheme://user:password@} occurrence inside free text. The password runs to
   * the last {@code @} of the line, since a raw {@code :}, {@code @}, {@code /} or space may be
   * part of it: this can hide more than the password, never less.
   */
  public static String redactText(String text) {
    if (text == null) {
      return null;
    }
    return text.replaceAll("(\\w+://[^:/@\\s]+):[^\\r\\n]*@", "$1:" + MASK + "@");
  }

  /**
   * {@link #redactText} of {@code text}, with every occurrence of this URI's password (raw or
   * decoded) and raw user info masked too: for messages of libraries that quote them in any form.
   */
  public static String withoutSecrets(String text, URI uri) {
    if (text == null) {
      return null;
    }
    String safe = redactText(text);
    for (String secret : secretsOf(uri)) {
      safe = safe.replace(secret, MASK);
    }
    return safe;
  }

  private static List<String> secretsOf(URI uri) {
    List<String> secrets = new ArrayList<>();
    String raw = uri.getRawUserInfo();
    if (raw == null) {
      raw = rawUserInfoOfUnparsedAuthority(uri);
    }
    if (raw == null) {
      return secrets;
    }
    secrets.add(raw);
    int colon = raw.indexOf(':');
    if (colon >= 0 && colon < raw.length() - 1) {
      String password = raw.substring(colon + 1);
      secrets.add(password);
      try {
        UserInfo.of(uri).map(UserInfo::password).ifPresent(secrets::add);
      } catch (IllegalArgumentException e) {
        // The raw forms above are masked already.
      }
    }
    // Longest first, so a password inside the user info is not masked piecewise.
    secrets.sort((a, b) -> b.length() - a.length());
    secrets.removeIf(String::isEmpty);
    return secrets;
  }

  private static String rawUserInfoOfUnparsedAuthority(URI uri) {
    String text = uri.toString();
    int start = text.indexOf("://");
    int at = text.lastIndexOf('@');
    return start < 0 || at < start + 3 ? null : text.substring(start + 3, at);
  }
}
