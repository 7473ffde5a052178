package orderflow.config;

import java.time.Duration;

/**
 * Durations as the command lines write them: {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h},
 * {@code 7d}. The one parser of every duration option and of retry delays. Stateless and
 * thread-safe.
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
      if (text.endsWith("h")) {
        return Duration.ofHours(Long.parseLong(text.substring(0, text.length() - 1)));
      }
      if (text.endsWith("d")) {
        return Duration.ofDays(Long.parseLong(text.substring(0, text.length() - 1)));
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "bad duration '" + text + "' (use e.g. 500ms, 5s, 2m, 1h, 7d)", e);
    }
    throw new IllegalArgumentException(
        "bad duration '" + text + "' (use e.g. 500ms, 5s, 2m, 1h, 7d)");
  }
}
