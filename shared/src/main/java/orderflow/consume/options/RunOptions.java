package orderflow.consume.options;

import java.net.InetAddress;
import java.time.Duration;
import orderflow.config.Durations;
import orderflow.consume.engine.ConsumerSettings;
import orderflow.topology.RetryTiers;
import picocli.CommandLine.Option;

/**
 * The options of every consumer service's {@code run} command, typed, with their defaults. Use as a
 * picocli {@code @Mixin}.
 */
public final class RunOptions {
  @Option(
      names = "--http-port",
      paramLabel = "PORT",
      description =
          "Serve /health/live, /health/ready and /metrics on this port (0: any free port;"
              + " default: no HTTP server)")
  Integer httpPort;

  @Option(
      names = "--http-bind",
      paramLabel = "ADDRESS",
      defaultValue = "127.0.0.1",
      description =
          "Address the HTTP server listens on; 0.0.0.0 for every interface (default"
              + " ${DEFAULT-VALUE}: this host only)")
  InetAddress httpBind;

  @Option(
      names = "--prefetch",
      paramLabel = "N",
      defaultValue = "1000",
      description =
          "Unacknowledged deliveries the broker may send ahead, at most "
              + ConsumerSettings.MAX_PREFETCH
              + " (default ${DEFAULT-VALUE})")
  int prefetch;

  @Option(
      names = "--retry-delays",
      paramLabel = "LIST",
      defaultValue = RetryTiers.DEFAULT_DELAYS,
      description = "Delay before each retry, e.g. 1s,5s,30s (default ${DEFAULT-VALUE})")
  String retryDelays;

  @Option(
      names = "--max-retries",
      paramLabel = "N",
      defaultValue = "3",
      description =
          "Retries after a transient failure before dead-lettering (default ${DEFAULT-VALUE})")
  int maxRetries;

  @Option(
      names = "--inject-failures",
      paramLabel = "RATE",
      defaultValue = "0",
      description = "Fraction (0..1) of handler calls that fail transiently, to watch retries work")
  double injectFailures;

  @Option(
      names = "--breaker-threshold",
      paramLabel = "N",
      defaultValue = "5",
      description =
          "Transient failures in a row that open the circuit breaker (default ${DEFAULT-VALUE})")
  int breakerThreshold;

  @Option(
      names = "--breaker-reset",
      paramLabel = "DURATION",
      converter = Durations.class,
      defaultValue = "10s",
      description = "How long the breaker stays open before probing (default ${DEFAULT-VALUE})")
  Duration breakerReset;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      defaultValue = "500",
      description =
          "Deliveries applied in one transaction and acked together (default ${DEFAULT-VALUE})")
  int batchSize;

  @Option(
      names = "--shutdown-timeout",
      paramLabel = "DURATION",
      converter = Durations.class,
      defaultValue = "30s",
      description =
          "How long SIGTERM waits for in-flight work and the outbox (default ${DEFAULT-VALUE})")
  Duration shutdownTimeout;

  @Option(
      names = "--dedup-window",
      paramLabel = "DURATION",
      converter = Durations.class,
      defaultValue = "7d",
      description =
          "How long the inbox remembers an applied event id; a repeat older than that is refused"
              + " by the service's own keys instead (default ${DEFAULT-VALUE})")
  Duration dedupWindow;

  @Option(
      names = "--outbox-retention",
      paramLabel = "DURATION",
      converter = Durations.class,
      defaultValue = "1h",
      description = "How long a sent outbox row is kept for inspection (default ${DEFAULT-VALUE})")
  Duration outboxRetention;

  @Option(
      names = "--tracing",
      description =
          "Export OpenTelemetry traces (configured by the OTEL_* variables; OTLP to"
              + " localhost:4318 by default). Also on when OTEL_TRACES_EXPORTER names an exporter")
  boolean tracing;

  @Option(
      names = "--no-declare",
      description =
          "Do not declare the topology: check passively that this service's exchanges and queues"
              + " exist and stop, naming what is missing, if not (for accounts without configure"
              + " permission; an admin runs `producer topology declare` first)")
  boolean noDeclare;

  /**
   * @throws IllegalArgumentException naming the bad option
   */
  public ConsumerSettings settings() {
    return new ConsumerSettings(
        prefetch,
        RetryTiers.parse(retryDelays),
        maxRetries,
        injectFailures,
        breakerThreshold,
        breakerReset,
        batchSize,
        shutdownTimeout,
        httpPort,
        httpBind.getHostAddress(),
        !noDeclare,
        dedupWindow,
        outboxRetention,
        tracing,
        null);
  }
}
