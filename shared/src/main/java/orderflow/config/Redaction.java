package orderflow.config;

import java.net.URI;

/**
 * Hides passwords in URIs, and in any text about one, before they reach any output. Stateless and
 * thread-safe.
 */
public final class Redaction {
  static final String MASK = "****";

  private Redaction() {}

  /** The URI with its password replaced by {@code ****}, the user name kept. */
  public static String redact(URI uri) {
    return redactText(uri.toString());
  }

  /**
   * Redacts every {@code scheme://user:password@} occurrence inside free text. The password runs to
   * the last {@code @} of the line, since a raw {@code :}, {@code @}, {@code /} or space may be
   * part of it: this can hide more than the password, never less.
   */
  public static String redactText(String text) {
    return text == null
        ? null
        : text.replaceAll("(\\w+://[^:/@\\s]+):[^\\r\\n]*@", "$1:" + MASK + "@");
  }

  /**
   * {@link #redactText} of {@code text}, with this URI's raw user info and its password, raw or
   * decoded, masked wherever they occur: for messages of libraries that quote them in any form.
   */
  public static String withoutSecrets(String text, URI uri) {
    if (text == null) {
      return null;
    }
    String safe = redactText(text);
    String whole = uri.toString();
    int start = whole.indexOf("://") + 3;
    int at = whole.lastIndexOf('@');
    String userInfo =
        uri.getRawUserInfo() != null
            ? uri.getRawUserInfo()
            : at < start ? "" : whole.substring(start, at);
    int colon = userInfo.indexOf(':');
    if (colon < 0 || colon == userInfo.length() - 1) {
      return safe;
    }
    String password = userInfo.substring(colon + 1);
    safe = safe.replace(userInfo, MASK).replace(password, MASK);
    try {
      return safe.replace(BrokerSettings.decode(password), MASK);
    } catch (IllegalArgumentException e) {
      return safe; // not percent-decodable: the raw forms are masked already
    }
  }
}
