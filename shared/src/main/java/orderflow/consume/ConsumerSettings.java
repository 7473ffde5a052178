package orderflow.consume;

import java.time.Duration;
import java.util.Objects;
import orderflow.topology.RetryTiers;

/**
 * How one consumer service runs. Validated on creation.
 *
 * @param name the consumer's name, written in dead letters and used for its inbox
 * @param workQueue the work queue's base name (see {@link orderflow.topology.Topology})
 * @param httpPort null for no HTTP server, 0 for any free port
 * @param declareTopology true to declare the whole topology at start and on resubscribe; false
 *     ({@code --no-declare}) to only check, passively, that this service's resources exist, so the
 *     service's account needs no configure permission
 */
public record ConsumerSettings(
    String name,
    String workQueue,
    int prefetch,
    RetryTiers tiers,
    int maxRetries,
    double injectFailureRate,
    int breakerThreshold,
    Duration breakerReset,
    int batchSize,
    Duration shutdownTimeout,
    Integer httpPort,
    boolean declareTopology) {
  /** Settings that declare the topology, as a service does by default. */
  public ConsumerSettings(
      String name,
      String workQueue,
      int prefetch,
      RetryTiers tiers,
      int maxRetries,
      double injectFailureRate,
      int breakerThreshold,
      Duration breakerReset,
      int batchSize,
      Duration shutdownTimeout,
      Integer httpPort) {
    this(
        name,
        workQueue,
        prefetch,
        tiers,
        maxRetries,
        injectFailureRate,
        breakerThreshold,
        breakerReset,
        batchSize,
        shutdownTimeout,
        httpPort,
        true);
  }

  public ConsumerSettings {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(workQueue, "workQueue");
    Objects.requireNonNull(tiers, "tiers");
    check(prefetch >= 1 && prefetch <= 65535, "--prefetch must be between 1 and 65535");
    check(maxRetries >= 0, "--max-retries must not be negative");
    check(
        injectFailureRate >= 0 && injectFailureRate <= 1,
        "--inject-failures must be a fraction between 0 and 1");
    check(breakerThreshold >= 1, "--breaker-threshold must be at least 1");
    check(batchSize >= 1, "--batch-size must be at least 1");
    check(httpPort == null || (httpPort >= 0 && httpPort <= 65535), "--http-port must be 0..65535");
  }

  /** Defaults for a service, as the command line would give them. */
  public static ConsumerSettings defaults(String name, String workQueue) {
    return new ConsumerSettings(
        name,
        workQueue,
        RunOptions.DEFAULT_PREFETCH,
        RetryTiers.DEFAULT,
        RunOptions.DEFAULT_MAX_RETRIES,
        0,
        5,
        Duration.ofSeconds(10),
        RunOptions.DEFAULT_BATCH_SIZE,
        Duration.ofSeconds(30),
        null);
  }

  /** These settings with {@code declareTopology} as given. */
  public ConsumerSettings withDeclareTopology(boolean declare) {
    return new ConsumerSettings(
        name,
        workQueue,
        prefetch,
        tiers,
        maxRetries,
        injectFailureRate,
        breakerThreshold,
        breakerReset,
        batchSize,
        shutdownTimeout,
        httpPort,
        declare);
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
