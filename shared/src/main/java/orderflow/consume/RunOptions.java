package orderflow.consume;

import java.net.InetAddress;
import java.net.UnknownHostException;
import orderflow.observe.HealthServer;
import orderflow.topology.RetryTiers;
import picocli.CommandLine.Option;

/** The options of every consumer service's {@code run} command. Use as a picocli {@code @Mixin}. */
public final class RunOptions {
  public static final int DEFAULT_PREFETCH = 1000;
  public static final int DEFAULT_MAX_RETRIES = 3;
  public static final int DEFAULT_BATCH_SIZE = 500;

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
      defaultValue = "" + DEFAULT_PREFETCH,
      description =
          "Unacknowledged deliveries the broker may send ahead, at most "
              + ConsumerSettings.MAX_PREFETCH
              + " (default ${DEFAULT-VALUE})")
  int prefetch;

  @Option(
      names = "--retry-delays",
      paramLabel = "LIST",
      defaultValue = "1s,5s,30s",
      description = "Delay before each retry, e.g. 1s,5s,30s (default ${DEFAULT-VALUE})")
  String retryDelays;

  @Option(
      names = "--max-retries",
      paramLabel = "N",
      defaultValue = "" + DEFAULT_MAX_RETRIES,
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
      defaultValue = "10s",
      description = "How long the breaker stays open before probing (default ${DEFAULT-VALUE})")
  String breakerReset;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      defaultValue = "" + DEFAULT_BATCH_SIZE,
      description =
          "Deliveries applied in one transaction and acked together (default ${DEFAULT-VALUE})")
  int batchSize;

  @Option(
      names = "--shutdown-timeout",
      paramLabel = "DURATION",
      defaultValue = "30s",
      description =
          "How long SIGTERM waits for in-flight work and the outbox (default ${DEFAULT-VALUE})")
  String shutdownTimeout;

  @Option(
      names = "--no-declare",
      description =
          "Do not declare the topology: check passively that this service's exchanges and queues"
              + " exist and stop, naming what is missing, if not (for accounts without configure"
              + " permission; an admin runs `producer topology declare` first)")
  boolean noDeclare;

  /** The address given to {@code --http-bind}, for {@link ServiceMain#run}. */
  public String httpBind() {
    return httpBind;
  }

  /**
   * @throws IllegalArgumentException naming the bad option
   */
  public ConsumerSettings settings(String consumerName, String workQueue) {
    requireResolvable(httpBind);
    return new ConsumerSettings(
        consumerName,
        workQueue,
        prefetch,
        RetryTiers.parse(retryDelays),
        maxRetries,
        injectFailures,
        breakerThreshold,
        RetryTiers.parseDuration(breakerReset),
        batchSize,
        RetryTiers.parseDuration(shutdownTimeout),
        httpPort,
        !noDeclare);
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
