package orderflow.producer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * Which orders of a saga run get cancelled, and when: each order, with probability {@code rate}, is
 * cancelled either at once (one in {@value #IMMEDIATE_SHARE_PERCENT}%, racing the reservation) or
 * at a uniformly random moment within {@code within} of its publication (most find it reserved, or
 * shipped and are refused), so every path of the saga's backward half is taken.
 *
 * <p>Not thread-safe: one publishing thread owns it.
 */
final class CancellationSchedule {
  static final int IMMEDIATE_SHARE_PERCENT = 25;

  private record Due(long atNanos, String orderId) {}

  private final double rate;
  private final long withinNanos;
  private final Random random;
  private final PriorityQueue<Due> pending =
      new PriorityQueue<>(Comparator.comparingLong(Due::atNanos));

  CancellationSchedule(double rate, Duration within, Random random) {
    if (!(rate >= 0 && rate <= 1) || within.isNegative()) {
      throw new IllegalArgumentException("rate must be 0 to 1 and within not negative");
    }
    this.rate = rate;
    this.withinNanos = within.toNanos();
    this.random = random;
  }

  /** Decides whether the order published at {@code nowNanos} is cancelled, and when. */
  boolean offer(String orderId, long nowNanos) {
    if (rate == 0 || random.nextDouble() >= rate) {
      return false;
    }
    boolean immediate = random.nextInt(100) < IMMEDIATE_SHARE_PERCENT;
    long delay = immediate ? 0 : (long) (random.nextDouble() * withinNanos);
    pending.add(new Due(nowNanos + delay, orderId));
    return true;
  }

  /**
   * Removes and returns the orders whose cancellation is due at {@code nowNanos}, earliest first.
   */
  List<String> due(long nowNanos) {
    List<String> due = new ArrayList<>();
    while (!pending.isEmpty() && pending.peek().atNanos() <= nowNanos) {
      due.add(pending.poll().orderId());
    }
    return due;
  }

  boolean isEmpty() {
    return pending.isEmpty();
  }

  /** When the next cancellation is due; only when not {@link #isEmpty()}. */
  long nextDueNanos() {
    return pending.element().atNanos();
  }
}
