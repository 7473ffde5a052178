package orderflow.config;

import java.net.URI;

/** Hides passwords in URIs before they reach any output. */
public final class Redaction {
  private Redaction() {}

  public static String redact(URI uri) {
    String userInfo = uri.getRawUserInfo();
    if (userInfo == null) {
      return uri.toString();
    }
    int colon = userInfo.indexOf(':');
    String safe = colon < 0 ? userInfo : userInfo.substring(0, colon) + ":****";
    return uri.toString().replace(userInfo + "@", safe + "@");
  }

  /** Redacts every {@code scheme://user:password@} occurrence inside free text. */
  public static String redactText(String text) {
    if (text == null) {
      return null;
    }
    return text.replaceAll("(\\w+://[^:/@\\s]+):[^@\\s]*@", "$1:****@");
  }
}
