package orderflow.config;

import java.net.URI;

/** Hides passwords in URIs, and in any text about one, before they reach any output. */
public final class Redaction {
  static final String MASK = "****";

  private Redaction() {}

  public static String redact(URI uri) {
    return redactText(uri.toString());
  }

  /** Masks each {@code scheme://user:password@}; the password runs to the line's last {@code @}. */
  public static String redactText(String text) {
    return text == null
        ? null
        : text.replaceAll("(\\w+://[^:/@\\s]+):[^\\r\\n]*@", "$1:" + MASK + "@");
  }

  /** Also masks this URI's user info and password, raw or decoded, wherever they occur. */
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
