package orderflow.consume.process;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the process if draining takes too long. Each step of a drain has its own timeout, but a
 * broker that stops answering can leave a client call (such as a consumer cancel) waiting forever;
 * the promise that SIGTERM ends the process within a bounded time must not depend on it. Ending
 * without a full drain loses nothing: unacked deliveries return to their queue, committed outbox
 * rows are sent at the next start, and the inbox absorbs what comes twice.
 */
final class ShutdownWatchdog {
  static final int EXIT_CODE = 1;
  private static final Logger log = LoggerFactory.getLogger(ShutdownWatchdog.class);

  private ShutdownWatchdog() {}

  /**
   * The longest a drain may take: the consumer and the outbox flush each get {@code
   * shutdownTimeout}; closing the outbox publisher, the ingresses and the connection get the
   * margin.
   */
  static Duration limit(Duration shutdownTimeout) {
    return shutdownTimeout.multipliedBy(2).plusSeconds(30);
  }

  /** Starts a daemon thread that halts the JVM with {@link #EXIT_CODE} after {@code limit}. */
  static Thread arm(String serviceName, Duration limit, Runnable halt) {
    Thread thread =
        new Thread(
            () -> {
              try {
                Thread.sleep(limit.toMillis());
              } catch (InterruptedException e) {
                return;
              }
              log.error(
                  "{} did not finish draining within {}; exiting now (unacked deliveries return to"
                      + " the queue, unsent outbox rows are sent at the next start)",
                  serviceName,
                  limit);
              halt.run();
            },
            serviceName + "-shutdown-watchdog");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
