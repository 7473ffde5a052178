package orderflow.observe;

/**
 * STUB. Serves {@code /health/live}, {@code /health/ready} and {@code /metrics} on a port with the
 * JDK's HTTP server. This class is thread-safe.
 */
public final class HealthServer implements AutoCloseable {
  /**
   * @param port 0 picks a free port (see {@link #port()})
   */
  public static HealthServer start(int port, ReadinessCheck readiness, ConsumerMetrics metrics) {
    throw new UnsupportedOperationException();
  }

  public int port() {
    throw new UnsupportedOperationException();
  }

  @Override
  public void close() {}
}
