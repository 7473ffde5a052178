package orderflow.dlq;

/**
 * Text from a message made safe for a terminal: control characters (C0, DEL, C1) and the Unicode
 * bidirectional overrides are written as a backslash, {@code u} and four hex digits, so a header or
 * body cannot move the cursor, recolour the screen or forge a line of output.
 */
final class TerminalText {
  private TerminalText() {}

  static String escape(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (unsafe(c)) {
        if (out == null) {
          out = new StringBuilder(text.length() + 16).append(text, 0, i);
        }
        out.append(String.format("\\u%04x", (int) c));
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }

  private static boolean unsafe(char c) {
    return Character.isISOControl(c)
        || (c >= '\u202a' && c <= '\u202e')
        || (c >= '\u2066' && c <= '\u2069');
  }
}
