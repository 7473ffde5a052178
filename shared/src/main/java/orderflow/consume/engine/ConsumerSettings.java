package orderflow.consume.engine;

import java.time.Duration;
import java.util.Objects;
import orderflow.config.Durations;
import orderflow.envelope.EventCodec;
import orderflow.topology.RetryTiers;

/**
 * How one consumer service runs. Validated on creation: a bad value is an {@link InvalidSetting}
 * naming the component ({@link orderflow.consume.options.RunOptions} turns it into its flag). The
 * defaults are the {@code DEFAULT_*} constants, which the command line's options use too.
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

  public static final int DEFAULT_PREFETCH = 1000;
  public static final int DEFAULT_MAX_RETRIES = 3;
  public static final double DEFAULT_INJECT_FAILURE_RATE = 0;
  public static final int DEFAULT_BREAKER_THRESHOLD = 5;

  /** As the command line writes it (see {@link Durations}). */
  public static final String DEFAULT_BREAKER_RESET = "10s";

  public static final int DEFAULT_BATCH_SIZE = 500;

  /** As the command line writes it (see {@link Durations}). */
  public static final String DEFAULT_SHUTDOWN_TIMEOUT = "30s";

  /**
   * A setting out of its range.
   *
   * <p>{@link #setting} is the record component's name, {@link #problem} what is wrong with it; the
   * message is both.
   */
  public static final class InvalidSetting extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String setting;
    private final String problem;

    InvalidSetting(String setting, String problem) {
      super(setting + " " + problem);
      this.setting = setting;
      this.problem = problem;
    }

    public String setting() {
      return setting;
    }

    public String problem() {
      return problem;
    }
  }

  public ConsumerSettings {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(workQueue, "workQueue");
    Objects.requireNonNull(tiers, "tiers");
    check(
        prefetch >= 1 && prefetch <= MAX_PREFETCH,
        "prefetch",
        "must be between 1 and "
            + MAX_PREFETCH
            + " (that many bodies of up to "
            + EventCodec.DEFAULT_MAX_BODY_BYTES / 1024
            + " KiB fill the "
            + IN_FLIGHT_BYTES / (1024 * 1024)
            + " MiB kept for deliveries in flight)");
    check(maxRetries >= 0, "maxRetries", "must not be negative");
    check(
        injectFailureRate >= 0 && injectFailureRate <= 1,
        "injectFailureRate",
        "must be a fraction between 0 and 1");
    check(breakerThreshold >= 1, "breakerThreshold", "must be at least 1");
    check(batchSize >= 1, "batchSize", "must be at least 1");
    check(httpPort == null || (httpPort >= 0 && httpPort <= 65535), "httpPort", "must be 0..65535");
  }

  /** Defaults for a service, as the command line would give them. */
  public static ConsumerSettings defaults(String name, String workQueue) {
    return new ConsumerSettings(
        name,
        workQueue,
        DEFAULT_PREFETCH,
        RetryTiers.DEFAULT,
        DEFAULT_MAX_RETRIES,
        DEFAULT_INJECT_FAILURE_RATE,
        DEFAULT_BREAKER_THRESHOLD,
        Durations.parse(DEFAULT_BREAKER_RESET),
        DEFAULT_BATCH_SIZE,
        Durations.parse(DEFAULT_SHUTDOWN_TIMEOUT),
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

  private static void check(boolean condition, String setting, String problem) {
    if (!condition) {
      throw new InvalidSetting(setting, problem);
    }
  }
}
