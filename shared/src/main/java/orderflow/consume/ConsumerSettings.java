package orderflow.consume;

import java.time.Duration;
import java.util.Objects;
import orderflow.envelope.EventCodec;
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

  /**
   * Memory kept for deliveries the broker has sent and the service has not yet settled. RabbitMQ
   * bounds a consumer's unacked deliveries by count only, so the count is bounded here by what the
   * largest accepted body could take; larger bodies are dead-lettered as they arrive.
   */
  public static final int IN_FLIGHT_BYTES = 64 * 1024 * 1024;

  public static final int MAX_PREFETCH = IN_FLIGHT_BYTES / EventCodec.DEFAULT_MAX_BODY_BYTES;

  public ConsumerSettings {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(workQueue, "workQueue");
    Objects.requireNonNull(tiers, "tiers");
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
