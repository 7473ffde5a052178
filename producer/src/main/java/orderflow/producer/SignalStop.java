package orderflow.producer;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Once armed, SIGINT/SIGTERM asks the command to stop and waits at most {@code grace} for it to
 * close, so a signal does not cut clean-up short. Declare it before the resources it outlives.
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

  void arm() {
    Runtime.getRuntime().addShutdownHook(hook);
  }

  @Override
  public void close() {
    finished.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // shutting down already: the hook is running or has run
    }
  }
}
