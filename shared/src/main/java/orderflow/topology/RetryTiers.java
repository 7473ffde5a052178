package orderflow.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import orderflow.config.Durations;

/**
 * The delays before each retry. Retry {@code n} (1-based) waits {@code delays[min(n, size) - 1]};
 * each delay has its own TTL queue, so messages in one queue all expire in order.
 */
public record RetryTiers(List<Duration> delays) {
  /** The default delays as {@code --retry-delays} writes them. */
  public static final String DEFAULT_DELAYS = "1s,5s,30s";

  public static final RetryTiers DEFAULT = parse(DEFAULT_DELAYS);

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
      delays.add(Durations.parse(part.trim()));
    }
    return new RetryTiers(delays);
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
