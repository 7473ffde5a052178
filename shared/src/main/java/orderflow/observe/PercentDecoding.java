package orderflow.observe;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * Strict percent-decoding of a path segment or query part: a bad escape, bytes that are not UTF-8
 * and control characters (NUL included) are refused, where {@link java.net.URLDecoder} would guess
 * or throw an unchecked error that became a 500. Stateless.
 */
public final class PercentDecoding {
  private PercentDecoding() {}

  /**
   * @param plusIsSpace true in a query (form encoding), false in a path segment
   * @throws MalformedRequestException naming {@code uri}
   */
  public static String decode(String raw, boolean plusIsSpace) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          throw malformed("malformed percent-encoding");
        }
        int high = Character.digit(raw.charAt(i + 1), 16);
        int low = Character.digit(raw.charAt(i + 2), 16);
        if (high < 0 || low < 0) {
          throw malformed("malformed percent-encoding");
        }
        bytes.write(high * 16 + low);
        i += 2;
      } else if (c == '+' && plusIsSpace) {
        bytes.write(' ');
      } else if (c > 0x7f) {
        throw malformed("characters outside ASCII must be percent-encoded");
      } else {
        bytes.write(c);
      }
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .decode(ByteBuffer.wrap(bytes.toByteArray()))
              .toString();
    } catch (CharacterCodingException e) {
      throw malformed("percent-encoded bytes are not UTF-8");
    }
    if (text.chars().anyMatch(Character::isISOControl)) {
      throw malformed("control characters are not allowed");
    }
    return text;
  }

  private static MalformedRequestException malformed(String why) {
    return new MalformedRequestException("uri", "uri: " + why);
  }
}
