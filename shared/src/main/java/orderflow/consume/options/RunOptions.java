package orderflow.consume.options;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import orderflow.config.Durations;
import orderflow.consume.engine.ConsumerSettings;
import orderflow.observe.HealthServer;
import orderflow.topology.RetryTiers;
import picocli.CommandLine.Option;

/**
 * The options of every consumer service's {@code run} command. Use as a picocli {@code @Mixin}.
 * Defaults come from {@link ConsumerSettings}'s {@code DEFAULT_*} constants; the flag names live
 * here only, so a {@link ConsumerSettings.InvalidSetting} is reported under its flag.
 */
public final class RunOptions {
  /** The flag of each {@link ConsumerSettings} component that one sets. */
  private static final Map<String, String> FLAGS =
      Map.of(
          "prefetch", "--prefetch",
          "maxRetries", "--max-retries",
          "injectFailureRate", "--inject-failures",
          "breakerThreshold", "--breaker-threshold",
          "batchSize", "--batch-size",
          "httpPort", "--http-port",
          "dedupWindow", "--dedup-window",
          "outboxRetention", "--outbox-retention");

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
      defaultValue = HealthServer.DEFAULT_BIND_ADDRESS,
      description =
          "Address the HTTP server listens on; 0.0.0.0 for every interface (default"
              + " ${DEFAULT-VALUE}: this host only)")
  String httpBind;

  @Option(
      names = "--prefetch",
      paramLabel = "N",
      defaultValue = "" + ConsumerSettings.DEFAULT_PREFETCH,
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
      defaultValue = "" + ConsumerSettings.DEFAULT_MAX_RETRIES,
      description =
          "Retries after a transient failure before dead-lettering (default ${DEFAULT-VALUE})")
  int maxRetries;

  @Option(
      names = "--inject-failures",
      paramLabel = "RATE",
      defaultValue = "" + ConsumerSettings.DEFAULT_INJECT_FAILURE_RATE,
      description = "Fraction (0..1) of handler calls that fail transiently, to watch retries work")
  double injectFailures;

  @Option(
      names = "--breaker-threshold",
      paramLabel = "N",
      defaultValue = "" + ConsumerSettings.DEFAULT_BREAKER_THRESHOLD,
      description =
          "Transient failures in a row that open the circuit breaker (default ${DEFAULT-VALUE})")
  int breakerThreshold;

  @Option(
      names = "--breaker-reset",
      paramLabel = "DURATION",
      defaultValue = ConsumerSettings.DEFAULT_BREAKER_RESET,
      description = "How long the breaker stays open before probing (default ${DEFAULT-VALUE})")
  String breakerReset;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      defaultValue = "" + ConsumerSettings.DEFAULT_BATCH_SIZE,
      description =
          "Deliveries applied in one transaction and acked together (default ${DEFAULT-VALUE})")
  int batchSize;

  @Option(
      names = "--shutdown-timeout",
      paramLabel = "DURATION",
      defaultValue = ConsumerSettings.DEFAULT_SHUTDOWN_TIMEOUT,
      description =
          "How long SIGTERM waits for in-flight work and the outbox (default ${DEFAULT-VALUE})")
  String shutdownTimeout;

  @Option(
      names = "--dedup-window",
      paramLabel = "DURATION",
      defaultValue = ConsumerSettings.DEFAULT_DEDUP_WINDOW,
      description =
          "How long the inbox remembers an applied event id; a repeat older than that is refused"
              + " by the service's own keys instead (default ${DEFAULT-VALUE})")
  String dedupWindow;

  @Option(
      names = "--outbox-retention",
      paramLabel = "DURATION",
      defaultValue = ConsumerSettings.DEFAULT_OUTBOX_RETENTION,
      description = "How long a sent outbox row is kept for inspection (default ${DEFAULT-VALUE})")
  String outboxRetention;

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
   * The address given to {@code --http-bind}, for {@link
   * orderflow.consume.process.ServiceMain#run}.
   */
  public String httpBind() {
    return httpBind;
  }

  /**
   * @throws IllegalArgumentException naming the bad option
   */
  public ConsumerSettings settings() {
    requireResolvable(httpBind);
    try {
      return validated();
    } catch (ConsumerSettings.InvalidSetting e) {
      String flag = FLAGS.getOrDefault(e.setting(), e.setting());
      throw new IllegalArgumentException(flag + " " + e.problem(), e);
    }
  }

  private ConsumerSettings validated() {
    return ConsumerSettings.builder()
        .prefetch(prefetch)
        .tiers(RetryTiers.parse(retryDelays))
        .maxRetries(maxRetries)
        .injectFailureRate(injectFailures)
        .breakerThreshold(breakerThreshold)
        .breakerReset(Durations.parse(breakerReset))
        .batchSize(batchSize)
        .shutdownTimeout(Durations.parse(shutdownTimeout))
        .httpPort(httpPort)
        .declareTopology(!noDeclare)
        .dedupWindow(Durations.parse(dedupWindow))
        .outboxRetention(Durations.parse(outboxRetention))
        .tracing(tracing)
        .build();
  }

  /** Checked here so a bad address is a usage error before anything connects. */
  private static void requireResolvable(String address) {
    try {
      InetAddress.getByName(address);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--http-bind: unknown address '" + address + "'", e);
    }
  }
}
