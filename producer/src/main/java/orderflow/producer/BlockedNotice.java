package orderflow.producer;

import com.rabbitmq.client.BlockedListener;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;
import orderflow.config.LogSafe;

/**
 * One line on stderr when the broker blocks this connection's publishing (a memory or disk alarm)
 * and when it unblocks, so a waiting run is not taken for a hung one; counts the time blocked.
 */
final class BlockedNotice implements BlockedListener {
  private final PrintWriter err;
  private final LongSupplier nanoClock;
  private final boolean overProgressLine;
  private long blockedSince;
  private boolean blocked;
  private long blockedNanos;
  private int blocks;

  /** {@code overProgressLine}: a progress line may be on err's current line; start a new one. */
  BlockedNotice(PrintWriter err, LongSupplier nanoClock, boolean overProgressLine) {
    this.err = err;
    this.nanoClock = nanoClock;
    this.overProgressLine = overProgressLine;
  }

  @Override
  public synchronized void handleBlocked(String reason) {
    if (blocked) {
      return; // the same block, repeated for another alarm
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

  synchronized double blockedSeconds() {
    long nanos = blockedNanos + (blocked ? nanoClock.getAsLong() - blockedSince : 0);
    return nanos / 1e9;
  }

  synchronized boolean blocked() {
    return blocked;
  }

  synchronized int blocks() {
    return blocks;
  }

  private void line(String text) {
    err.println(overProgressLine ? System.lineSeparator() + text : text);
    err.flush();
  }
}
