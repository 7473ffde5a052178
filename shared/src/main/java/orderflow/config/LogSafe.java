package orderflow.config;

/**
 * Makes outside text safe on a log line or terminal: control and format characters, line separators
 * and lone surrogates escaped ({@code \n}, {@code \}{@code uXXXX}), the text cut to a bound.
 */
public final class LogSafe {
  private static final int DEFAULT_MAX_CHARS = 200;

  private LogSafe() {}

  public static String escape(Object value) {
    return escape(value, DEFAULT_MAX_CHARS);
  }

  /** At most {@code maxChars} characters, then {@code ...(N more chars)}; "null" for null. */
  public static String escape(Object value, int maxChars) {
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
