package orderflow.producer;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A long-running command's answer to SIGINT/SIGTERM: once {@link #arm armed}, the JVM's shutdown
 * hook asks the command to stop, then waits at most {@code grace} for it to {@link #close finish},
 * so a signal does not cut its clean-up short (a queue deletion, a last batch, the session's
 * close). Closing also removes the hook. Declare it before the resources it should outlive.
 */
final class SignalStop implements AutoCloseable {
  private final Thread hook;
  private final CountDownLatch finished = new CountDownLatch(1);

  SignalStop(String name, Runnable askToStop, Duration grace) {
    this.hook =
        new Thread(
            () -> {
              askToStop.run();
              try {
                finished.await(grace.toMillis(), TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            name);
  }

  /** From here on a signal asks the command to stop. */
  void arm() {
    Runtime.getRuntime().addShutdownHook(hook);
  }

  @Override
  public void close() {
    finished.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down (we were signalled): the hook is running or has run.
    }
  }
}
