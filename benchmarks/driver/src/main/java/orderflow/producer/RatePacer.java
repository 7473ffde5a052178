package orderflow.producer;

import java.util.concurrent.locks.LockSupport;

/** Spaces publishes evenly to a target rate from its creation; without a rate it never waits. */
final class RatePacer {
  private final double perSecond;
  private final long start = System.nanoTime();
  private long sent;

  RatePacer(double perSecond) {
    this.perSecond = perSecond;
  }

  /** Waits until the next publish is due. Not thread-safe: one publishing thread calls it. */
  void awaitNext() throws InterruptedException {
    if (perSecond <= 0) {
      return;
    }
    long due = start + (long) (sent++ * 1_000_000_000.0 / perSecond);
    for (long wait; (wait = due - System.nanoTime()) > 0; ) {
      LockSupport.parkNanos(wait);
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted while pacing");
      }
    }
  }
}
