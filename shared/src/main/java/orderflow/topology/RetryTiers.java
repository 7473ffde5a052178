package orderflow.topology;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import orderflow.config.Durations;

/** The delays before each retry: retry {@code n} waits {@code delays[min(n, size) - 1]}. */
public record RetryTiers(List<Duration> delays) {
  public static final String DEFAULT_DELAYS = "1s,5s,30s";
  public static final RetryTiers DEFAULT = parse(DEFAULT_DELAYS);

  public RetryTiers {
    delays = List.copyOf(delays);
    if (delays.isEmpty()) {
      throw new IllegalArgumentException("retry delays must not be empty");
    }
    for (Duration delay : delays) {
      if (delay.toMillis() <= 0) {
        throw new IllegalArgumentException("retry delays must be positive, was " + delay);
      }
    }
  }

  public static RetryTiers parse(String text) {
    return new RetryTiers(Stream.of(text.split(",")).map(p -> Durations.parse(p.trim())).toList());
  }

  public Duration delayFor(int retry) {
    return delays.get(Math.min(Math.max(retry, 1), delays.size()) - 1);
  }

  public static String label(Duration delay) {
    long millis = delay.toMillis();
    return millis % 1000 == 0 ? (millis / 1000) + "s" : millis + "ms";
  }
}
