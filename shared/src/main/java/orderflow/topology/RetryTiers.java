package orderflow.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The delays before each retry. Retry {@code n} (1-based) waits {@code delays[min(n, size) - 1]};
 * each delay has its own TTL queue, so messages in one queue all expire in order.
 */
public record RetryTiers(List<Duration> delays) {
  public static final RetryTiers DEFAULT =
      new RetryTiers(List.of(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30)));

  public RetryTiers {
    delays = List.copyOf(delays);
    if (delays.isEmpty()) {
      throw new IllegalArgumentException("retry delays must not be empty");
    }
    for (Duration delay : delays) {
      if (delay.isNegative() || delay.isZero() || delay.toMillis() == 0) {
        throw new IllegalArgumentException("retry delays must be positive, was " + delay);
      }
    }
  }

  /** Parses {@code 1s,5s,30s} (units ms, s, m). */
  public static RetryTiers parse(String text) {
    List<Duration> delays = new ArrayList<>();
    for (String part : text.split(",")) {
      delays.add(parseDuration(part.trim()));
    }
    return new RetryTiers(delays);
  }

  public static Duration parseDuration(String text) {
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

  /** The delay before retry number {@code retry} (1-based). */
  public Duration delayFor(int retry) {
    return delays.get(Math.min(Math.max(retry, 1), delays.size()) - 1);
  }

  /** Suffix naming the tier's queue, e.g. {@code 5s} or {@code 500ms}. */
  public static String label(Duration delay) {
    long millis = delay.toMillis();
    return millis % 1000 == 0 ? (millis / 1000) + "s" : millis + "ms";
  }
}
