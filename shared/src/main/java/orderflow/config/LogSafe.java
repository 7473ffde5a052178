package orderflow.config;

/**
 * Makes text that came from outside (a message's ids and fields, AMQP properties, rows written from
 * messages) safe to put on a log line or an operator's terminal: control characters are escaped, so
 * a value can neither start a forged log line nor send escape sequences to a terminal, and the text
 * is truncated, so one value cannot make a line of hundreds of kilobytes.
 *
 * <p>Escaped: C0 and C1 control characters and DEL ({@code \n}, {@code \r}, {@code \t}, otherwise
 * {@code \}{@code uXXXX}), Unicode format characters such as bidirectional overrides, line and
 * paragraph separators and lone surrogates. Letters of any script are kept as they are.
 *
 * <p>A backslash is kept as it is, which makes escaping idempotent: text that passes two layers (an
 * exception message quoted again by a log line) is not escaped twice. The price is that a literal
 * backslash-n in the input reads like an escaped newline; it still cannot start a line.
 *
 * <p>This class is thread-safe: it is stateless.
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
    switch (codePoint) {
      case '\n':
        return "\\n";
      case '\r':
        return "\\r";
      case '\t':
        return "\\t";
      default:
        break;
    }
    if (unsafe(codePoint)) {
      return String.format("\\u%04x", codePoint);
    }
    return new String(Character.toChars(codePoint));
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
