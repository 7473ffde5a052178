package orderflow.consume;

import orderflow.config.BrokerSettings;

/**
 * STUB (the lead is writing it). Runs a consumer service until SIGTERM: opens the database and
 * migrates it, connects, declares the topology, starts the outbox relay, the ingresses, the HTTP
 * server and the work-queue consumer, then drains and closes on shutdown.
 */
public final class ServiceMain {
  private ServiceMain() {}

  /**
   * Blocks until the process is asked to stop (SIGTERM/SIGINT) and has drained.
   *
   * @return the exit code: 0 after a clean shutdown, 1 if it could not start
   */
  public static int run(
      BrokerSettings broker,
      ConsumerSettings settings,
      String databaseUrl,
      ServiceDefinition service)
      throws Exception {
    throw new UnsupportedOperationException();
  }
}
