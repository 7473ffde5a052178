package orderflow.producer;

import java.util.concurrent.locks.LockSupport;

/** Spaces publishes evenly to a target rate; without a rate it never waits. Not thread-safe. */
final class RatePacer {
  private final double perSecond;
  private long start;
  private long sent;

  RatePacer(double perSecond) {
    this.perSecond = perSecond;
  }

  void start() {
    start = System.nanoTime();
    sent = 0;
  }

  /** Waits until the next publish is due. */
  void awaitNext() throws InterruptedException {
    if (perSecond <= 0) {
      return;
    }
    long due = start + (long) (sent++ * 1_000_000_000.0 / perSecond);
    long wait;
    while ((wait = due - System.nanoTime()) > 0) {
      LockSupport.parkNanos(wait);
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted while pacing");
      }
    }
  }
}
