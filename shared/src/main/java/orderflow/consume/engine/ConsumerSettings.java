package orderflow.consume.engine;

import java.time.Duration;
import orderflow.envelope.EventCodec;
import orderflow.topology.RetryTiers;
import orderflow.trace.Tracing;

/**
 * How one consumer service runs; what it is (its name, its work queue) is its {@link
 * orderflow.consume.ServiceDefinition}. The command line makes it ({@link
 * orderflow.consume.options.RunOptions}, which holds the defaults); a value out of range is an
 * {@link IllegalArgumentException} naming its flag.
 *
 * @param httpPort null for no HTTP server, 0 for any free port
 * @param declareTopology false ({@code --no-declare}) to only check, passively, that this service's
 *     resources exist, so its account needs no configure permission
 * @param tracing {@code --tracing}: trace even without {@code OTEL_TRACES_EXPORTER}
 * @param tracer null to make the tracer from the environment at start; else the one to use (tests
 *     pass an in-memory SDK), which the caller shuts down
 */
public record ConsumerSettings(
    int prefetch,
    RetryTiers tiers,
    int maxRetries,
    double injectFailureRate,
    int breakerThreshold,
    Duration breakerReset,
    int batchSize,
    Duration shutdownTimeout,
    Integer httpPort,
    String httpBind,
    boolean declareTopology,
    Duration dedupWindow,
    Duration outboxRetention,
    boolean tracing,
    Tracing tracer) {
  /**
   * Memory kept for deliveries sent and not yet settled. RabbitMQ bounds a consumer's unacked
   * deliveries by count only, so the prefetch is bounded by what the largest accepted body takes.
   */
  public static final int IN_FLIGHT_BYTES = 64 * 1024 * 1024;

  public static final int MAX_PREFETCH = IN_FLIGHT_BYTES / EventCodec.DEFAULT_MAX_BODY_BYTES;

  public ConsumerSettings {
    check(
        prefetch >= 1 && prefetch <= MAX_PREFETCH,
        "--prefetch must be between 1 and "
            + MAX_PREFETCH
            + " (that many bodies of up to "
            + EventCodec.DEFAULT_MAX_BODY_BYTES / 1024
            + " KiB fill the "
            + IN_FLIGHT_BYTES / (1024 * 1024)
            + " MiB kept for deliveries in flight)");
    check(maxRetries >= 0, "--max-retries must not be negative");
    check(
        injectFailureRate >= 0 && injectFailureRate <= 1,
        "--inject-failures must be a fraction between 0 and 1");
    check(breakerThreshold >= 1, "--breaker-threshold must be at least 1");
    check(batchSize >= 1, "--batch-size must be at least 1");
    check(httpPort == null || (httpPort >= 0 && httpPort <= 65535), "--http-port must be 0..65535");
    // Shorter than the longest retry delay plus the time a message may wait in its queue, a
    // window would forget ids while their repeats are still on their way.
    check(!dedupWindow.isNegative() && !dedupWindow.isZero(), "--dedup-window must be positive");
    check(!outboxRetention.isNegative(), "--outbox-retention must not be negative");
  }

  private static void check(boolean condition, String problem) {
    if (!condition) {
      throw new IllegalArgumentException(problem);
    }
  }
}
