package orderflow.consume.engine;

import java.time.Duration;
import java.util.Objects;
import orderflow.config.Durations;
import orderflow.envelope.EventCodec;
import orderflow.topology.RetryTiers;
import orderflow.trace.Tracing;

/**
 * How one consumer service runs; what it is (its name, its work queue) is its {@link
 * orderflow.consume.ServiceDefinition}. Made by {@link #builder()}, whose defaults are the {@code
 * DEFAULT_*} constants the command line's options use too. Validated on creation: a bad value is an
 * {@link InvalidSetting} naming the component ({@link orderflow.consume.options.RunOptions} turns
 * it into its flag).
 *
 * @param httpPort null for no HTTP server, 0 for any free port
 * @param httpBind the address the HTTP server listens on
 * @param declareTopology true to declare the whole topology at start and on resubscribe; false
 *     ({@code --no-declare}) to only check, passively, that this service's resources exist, so the
 *     service's account needs no configure permission
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

  /** This host only. */
  public static final String DEFAULT_HTTP_BIND = "127.0.0.1";

  /** As the command line writes it (see {@link Durations}). */
  public static final String DEFAULT_SHUTDOWN_TIMEOUT = "30s";

  /** How long the inbox remembers an applied event id, as the command line writes it. */
  public static final String DEFAULT_DEDUP_WINDOW = "7d";

  /** How long a sent outbox row is kept for inspection, as the command line writes it. */
  public static final String DEFAULT_OUTBOX_RETENTION = "1h";

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
    Objects.requireNonNull(tiers, "tiers");
    Objects.requireNonNull(breakerReset, "breakerReset");
    Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
    Objects.requireNonNull(dedupWindow, "dedupWindow");
    Objects.requireNonNull(outboxRetention, "outboxRetention");
    Objects.requireNonNull(httpBind, "httpBind");
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
    // Shorter than the longest retry delay plus the time a message may wait in its queue, a
    // window would forget ids while their repeats are still on their way.
    check(!dedupWindow.isNegative() && !dedupWindow.isZero(), "dedupWindow", "must be positive");
    check(!outboxRetention.isNegative(), "outboxRetention", "must not be negative");
  }

  /** The defaults, as the command line gives them. */
  public static ConsumerSettings defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Settings one by one; {@link #build} validates them. Not thread-safe. */
  public static final class Builder {
    private int prefetch = DEFAULT_PREFETCH;
    private RetryTiers tiers = RetryTiers.DEFAULT;
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private double injectFailureRate = DEFAULT_INJECT_FAILURE_RATE;
    private int breakerThreshold = DEFAULT_BREAKER_THRESHOLD;
    private Duration breakerReset = Durations.parse(DEFAULT_BREAKER_RESET);
    private int batchSize = DEFAULT_BATCH_SIZE;
    private Duration shutdownTimeout = Durations.parse(DEFAULT_SHUTDOWN_TIMEOUT);
    private Integer httpPort;
    private String httpBind = DEFAULT_HTTP_BIND;
    private boolean declareTopology = true;
    private Duration dedupWindow = Durations.parse(DEFAULT_DEDUP_WINDOW);
    private Duration outboxRetention = Durations.parse(DEFAULT_OUTBOX_RETENTION);
    private boolean tracing;
    private Tracing tracer;

    private Builder() {}

    public Builder prefetch(int prefetch) {
      this.prefetch = prefetch;
      return this;
    }

    public Builder tiers(RetryTiers tiers) {
      this.tiers = tiers;
      return this;
    }

    public Builder maxRetries(int maxRetries) {
      this.maxRetries = maxRetries;
      return this;
    }

    public Builder injectFailureRate(double injectFailureRate) {
      this.injectFailureRate = injectFailureRate;
      return this;
    }

    public Builder breakerThreshold(int breakerThreshold) {
      this.breakerThreshold = breakerThreshold;
      return this;
    }

    public Builder breakerReset(Duration breakerReset) {
      this.breakerReset = breakerReset;
      return this;
    }

    public Builder batchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    public Builder shutdownTimeout(Duration shutdownTimeout) {
      this.shutdownTimeout = shutdownTimeout;
      return this;
    }

    /** Null (the default) for no HTTP server, 0 for any free port. */
    public Builder httpPort(Integer httpPort) {
      this.httpPort = httpPort;
      return this;
    }

    public Builder httpBind(String httpBind) {
      this.httpBind = httpBind;
      return this;
    }

    public Builder declareTopology(boolean declareTopology) {
      this.declareTopology = declareTopology;
      return this;
    }

    public Builder dedupWindow(Duration dedupWindow) {
      this.dedupWindow = dedupWindow;
      return this;
    }

    public Builder outboxRetention(Duration outboxRetention) {
      this.outboxRetention = outboxRetention;
      return this;
    }

    public Builder tracing(boolean tracing) {
      this.tracing = tracing;
      return this;
    }

    public Builder tracer(Tracing tracer) {
      this.tracer = tracer;
      return this;
    }

    /**
     * @throws InvalidSetting naming the first setting out of its range
     */
    public ConsumerSettings build() {
      return new ConsumerSettings(
          prefetch,
          tiers,
          maxRetries,
          injectFailureRate,
          breakerThreshold,
          breakerReset,
          batchSize,
          shutdownTimeout,
          httpPort,
          httpBind,
          declareTopology,
          dedupWindow,
          outboxRetention,
          tracing,
          tracer);
    }
  }

  private static void check(boolean condition, String setting, String problem) {
    if (!condition) {
      throw new InvalidSetting(setting, problem);
    }
  }
}
