package orderflow.producer;

import com.rabbitmq.client.BlockedListener;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;
import orderflow.config.LogSafe;

/**
 * Tells the operator when the broker blocks this connection's publishing ({@code
 * connection.blocked}, sent under a memory or disk alarm, with the alarm as its reason) and when it
 * unblocks: one line on stderr each, so a run that waits is not mistaken for one that hangs. Counts
 * the time spent blocked for the summaries.
 *
 * <p>Thread-safe: the client calls it on the connection's thread, the command reads it on its own.
 */
final class BlockedNotice implements BlockedListener {
  private final PrintWriter err;
  private final LongSupplier nanoClock;
  private final boolean overProgressLine;
  private long blockedSince;
  private boolean blocked;
  private long blockedNanos;
  private int blocks;

  /**
   * @param overProgressLine true when a progress line ({@link ProgressLine}) may be on the current
   *     line of {@code err}: the notice then starts a line of its own
   */
  BlockedNotice(PrintWriter err, LongSupplier nanoClock, boolean overProgressLine) {
    this.err = err;
    this.nanoClock = nanoClock;
    this.overProgressLine = overProgressLine;
  }

  /** Reports on {@code err}, timed by {@link System#nanoTime()}. */
  static BlockedNotice on(PrintWriter err) {
    return new BlockedNotice(err, System::nanoTime, System.console() != null);
  }

  @Override
  public synchronized void handleBlocked(String reason) {
    if (blocked) {
      return; // Still the same block (the broker repeats it for another alarm).
    }
    blocked = true;
    blocks++;
    blockedSince = nanoClock.getAsLong();
    line(
        "producer: the broker has blocked publishing ("
            + (reason == null || reason.isBlank() ? "no reason given" : LogSafe.escape(reason, 200))
            + "); waiting until it unblocks");
  }

  @Override
  public synchronized void handleUnblocked() {
    if (!blocked) {
      return;
    }
    blocked = false;
    long nanos = nanoClock.getAsLong() - blockedSince;
    blockedNanos += nanos;
    line(
        String.format(
            Locale.ROOT,
            "producer: the broker has unblocked publishing after %.1f s",
            nanos / 1e9));
  }

  /** Seconds blocked so far, a block still in progress included. */
  synchronized double blockedSeconds() {
    long nanos = blockedNanos + (blocked ? nanoClock.getAsLong() - blockedSince : 0);
    return nanos / 1e9;
  }

  /** True while the broker blocks publishing. */
  synchronized boolean blocked() {
    return blocked;
  }

  /** How many times the broker blocked publishing. */
  synchronized int blocks() {
    return blocks;
  }

  private void line(String text) {
    err.println(overProgressLine ? System.lineSeparator() + text : text);
    err.flush();
  }
}
