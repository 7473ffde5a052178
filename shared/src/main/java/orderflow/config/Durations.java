package orderflow.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * Durations as the command lines write them: {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h},
 * {@code 7d}. The one parser of every duration option and of retry delays. Stateless and
 * thread-safe.
 */
public final class Durations {
  /** Suffixes and their units, {@code ms} before {@code s} and {@code m}. */
  private static final List<Map.Entry<String, ChronoUnit>> UNITS =
      List.of(
          Map.entry("ms", ChronoUnit.MILLIS),
          Map.entry("s", ChronoUnit.SECONDS),
          Map.entry("m", ChronoUnit.MINUTES),
          Map.entry("h", ChronoUnit.HOURS),
          Map.entry("d", ChronoUnit.DAYS));

  private Durations() {}

  /**
   * @throws IllegalArgumentException naming the text and the accepted forms
   */
  public static Duration parse(String text) {
    for (Map.Entry<String, ChronoUnit> unit : UNITS) {
      if (text.endsWith(unit.getKey())) {
        try {
          String amount = text.substring(0, text.length() - unit.getKey().length());
          return Duration.of(Long.parseLong(amount), unit.getValue());
        } catch (NumberFormatException e) {
          throw bad(text, e);
        }
      }
    }
    throw bad(text, null);
  }

  private static IllegalArgumentException bad(String text, Throwable cause) {
    return new IllegalArgumentException(
        "bad duration '" + text + "' (use e.g. 500ms, 5s, 2m, 1h, 7d)", cause);
  }
}
