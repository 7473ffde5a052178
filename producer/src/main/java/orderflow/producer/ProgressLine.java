package orderflow.producer;

import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Rewrites one status line on stderr every second, only when stderr is a terminal: piped or
 * captured output gets no progress noise.
 */
final class ProgressLine implements AutoCloseable {
  private final ScheduledExecutorService timer;
  private final PrintWriter err;

  private ProgressLine(
      PrintWriter err, long target, LongSupplier published, LongSupplier confirmed) {
    this.err = err;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "producer-progress");
              thread.setDaemon(true);
              return thread;
            });
    long started = System.nanoTime();
    timer.scheduleAtFixedRate(
        () -> {
          double seconds = (System.nanoTime() - started) / 1e9;
          long done = confirmed.getAsLong();
          err.printf(
              java.util.Locale.ROOT,
              "\rpublished %d/%d, confirmed %d, %.0f orders/s   ",
              published.getAsLong(),
              target,
              done,
              seconds > 0 ? done / seconds : 0);
          err.flush();
        },
        1,
        1,
        TimeUnit.SECONDS);
  }

  /** A progress line if stderr is a terminal, otherwise one that prints nothing. */
  static AutoCloseable startIfTerminal(
      PrintWriter err, long target, LongSupplier published, LongSupplier confirmed) {
    if (System.console() == null) {
      return () -> {};
    }
    return new ProgressLine(err, target, published, confirmed);
  }

  @Override
  public void close() {
    timer.shutdownNow();
    err.println();
    err.flush();
  }
}
