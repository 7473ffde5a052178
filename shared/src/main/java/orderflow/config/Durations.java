package orderflow.config;

import java.time.Duration;

/**
 * Durations as the command lines write them: {@code 500ms}, {@code 5s}, {@code 2m}. The one parser
 * of every duration option and of retry delays. Stateless and thread-safe.
 */
public final class Durations {
  private Durations() {}

  /**
   * @throws IllegalArgumentException naming the text and the accepted forms
   */
  public static Duration parse(String text) {
    try {
      if (text.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
      }
      if (text.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
      }
      if (text.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad duration '" + text + "' (use e.g. 500ms, 5s, 2m)", e);
    }
    throw new IllegalArgumentException("bad duration '" + text + "' (use e.g. 500ms, 5s, 2m)");
  }
}
