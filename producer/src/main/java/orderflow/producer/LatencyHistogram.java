package orderflow.producer;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Records latencies in microseconds into log-linear buckets (32 per power of two, so a percentile
 * is within about 3% of the true value) using constant memory, whatever the number of samples.
 *
 * <p>Thread-safe: recording is lock-free; reading while recording gives a consistent-enough view.
 */
final class LatencyHistogram {
  private static final int SUB_BUCKET_BITS = 5;
  private static final int SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
  private static final int MAGNITUDES = 40;

  private final AtomicLongArray counts = new AtomicLongArray(MAGNITUDES * SUB_BUCKETS);

  void recordNanos(long nanos) {
    long micros = Math.max(0, nanos / 1_000);
    counts.incrementAndGet(index(micros));
  }

  long count() {
    long total = 0;
    for (int i = 0; i < counts.length(); i++) {
      total += counts.get(i);
    }
    return total;
  }

  /** The value at {@code percentile} (0-100) in milliseconds, or 0 with no samples. */
  double percentileMillis(double percentile) {
    long total = count();
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(total * percentile / 100.0));
    long seen = 0;
    for (int i = 0; i < counts.length(); i++) {
      seen += counts.get(i);
      if (seen >= rank) {
        return upperBoundMicros(i) / 1000.0;
      }
    }
    return upperBoundMicros(counts.length() - 1) / 1000.0;
  }

  static int index(long micros) {
    if (micros < SUB_BUCKETS) {
      return (int) micros;
    }
    int magnitude = 63 - Long.numberOfLeadingZeros(micros) - SUB_BUCKET_BITS + 1;
    int sub = (int) (micros >>> (magnitude - 1)) - SUB_BUCKETS;
    int index = magnitude * SUB_BUCKETS + sub;
    return Math.min(index, MAGNITUDES * SUB_BUCKETS - 1);
  }

  static long upperBoundMicros(int index) {
    int magnitude = index / SUB_BUCKETS;
    int sub = index % SUB_BUCKETS;
    if (magnitude == 0) {
      return sub;
    }
    return ((long) (sub + SUB_BUCKETS + 1) << (magnitude - 1)) - 1;
  }
}
