package orderflow.testing;

import java.time.Duration;
import orderflow.consume.engine.ConsumerSettings;
import orderflow.consume.options.RunOptions;
import orderflow.topology.RetryTiers;
import orderflow.trace.Tracing;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Consumer settings for tests: the command line's defaults, changed one by one. */
public final class TestSettings {
  private TestSettings() {}

  @Command(name = "run")
  private static final class Run {
    @Mixin RunOptions options;
  }

  /** What {@code run} with no options runs with. */
  public static ConsumerSettings defaults() {
    Run run = new Run();
    new CommandLine(run).parseArgs();
    return run.options.settings();
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder(defaults());
  }

  /** Settings one by one; {@link #build} validates them. */
  public static final class Builder {
    private int prefetch;
    private RetryTiers tiers;
    private int maxRetries;
    private double injectFailureRate;
    private int breakerThreshold;
    private Duration breakerReset;
    private int batchSize;
    private Duration shutdownTimeout;
    private Integer httpPort;
    private String httpBind;
    private boolean declareTopology;
    private Duration dedupWindow;
    private Duration outboxRetention;
    private boolean tracing;
    private Tracing tracer;

    private Builder(ConsumerSettings from) {
      prefetch = from.prefetch();
      tiers = from.tiers();
      maxRetries = from.maxRetries();
      injectFailureRate = from.injectFailureRate();
      breakerThreshold = from.breakerThreshold();
      breakerReset = from.breakerReset();
      batchSize = from.batchSize();
      shutdownTimeout = from.shutdownTimeout();
      httpPort = from.httpPort();
      httpBind = from.httpBind();
      declareTopology = from.declareTopology();
      dedupWindow = from.dedupWindow();
      outboxRetention = from.outboxRetention();
      tracing = from.tracing();
      tracer = from.tracer();
    }

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
}
