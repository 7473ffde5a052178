package orderflow.outbox;

import java.util.concurrent.TimeUnit;

/**
 * Counts the relay's cycles so {@link OutboxRelay#flush} can wait for a cycle that began after it
 * was called (one already running may have read before the caller's commit). Thread-safe.
 */
final class RelayProgress {
  private long started;
  private long completed;
  private long completedBacklog = -1;

  synchronized void cycleStarted() {
    started++;
  }

  synchronized void cycleCompleted(long backlog) {
    completed = started;
    completedBacklog = backlog;
    notifyAll();
  }

  /**
   * Waits until a cycle that starts after this call ends with an empty backlog.
   *
   * @param nudge called on every wait round, to wake the relay
   * @return false if {@code timeoutNanos} passed first
   */
  synchronized boolean awaitEmpty(long timeoutNanos, long roundNanos, Runnable nudge)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    long firstCovering = started + 1;
    while (completed < firstCovering || completedBacklog != 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      nudge.run();
      TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, roundNanos));
    }
    return true;
  }
}
