package orderflow.config;

/**
 * Makes text from outside (message fields, AMQP properties, rows written from messages) safe on a
 * log line or a terminal: control and format characters, line separators and lone surrogates are
 * escaped ({@code \n}, {@code \r}, {@code \t}, else {@code \}{@code uXXXX}), so a value can neither
 * forge a log line nor move a terminal's cursor, and the text is cut to a bound. A backslash is
 * kept, so escaping twice changes nothing. Stateless and thread-safe.
 */
public final class LogSafe {
  /** Enough for any id or reason of ours; a longer value is cut. */
  public static final int DEFAULT_MAX_CHARS = 200;

  private LogSafe() {}

  /** {@link #escape(Object, int)} with {@link #DEFAULT_MAX_CHARS}. */
  public static String escape(Object value) {
    return escape(value, DEFAULT_MAX_CHARS);
  }

  /**
   * The value's text with every unsafe character escaped, at most {@code maxChars} characters of
   * it, followed by {@code ...(N more chars)} when it was cut; {@code null} for a null value.
   */
  public static String escape(Object value, int maxChars) {
    if (maxChars <= 0) {
      throw new IllegalArgumentException("maxChars must be positive, was " + maxChars);
    }
    if (value == null) {
      return "null";
    }
    String text = value.toString();
    StringBuilder safe = new StringBuilder(Math.min(text.length(), maxChars) + 24);
    int index = 0;
    while (index < text.length()) {
      int codePoint = text.codePointAt(index);
      String piece = escaped(codePoint);
      if (safe.length() + piece.length() > maxChars) {
        break;
      }
      safe.append(piece);
      index += Character.charCount(codePoint);
    }
    if (index < text.length()) {
      safe.append("...(").append(text.length() - index).append(" more chars)");
    }
    return safe.toString();
  }

  private static String escaped(int codePoint) {
    return switch (codePoint) {
      case '\n' -> "\\n";
      case '\r' -> "\\r";
      case '\t' -> "\\t";
      default ->
          unsafe(codePoint)
              ? String.format("\\u%04x", codePoint)
              : new String(Character.toChars(codePoint));
    };
  }

  /**
   * Whether a character is escaped here: a control or format character, a line or paragraph
   * separator, or a lone surrogate (none can be seen, several move a terminal's cursor).
   */
  public static boolean unsafe(int codePoint) {
    return switch (Character.getType(codePoint)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR,
          Character.SURROGATE ->
          true;
      default -> false;
    };
  }
}
