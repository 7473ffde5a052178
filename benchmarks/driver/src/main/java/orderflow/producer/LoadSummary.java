package orderflow.producer;

import java.util.Locale;

/**
 * What one {@code producer load} run achieved. {@code ratePerSec} is confirmed orders per second
 * from the first publish until the last answer; latencies are from publish to confirm; {@code
 * blockedSeconds} is the part of {@code seconds} the broker blocked publishing ({@code
 * connection.blocked}, e.g. under a memory alarm).
 */
record LoadSummary(
    long published,
    long confirmed,
    long nacked,
    long returned,
    long unconfirmed,
    double seconds,
    double ratePerSec,
    Percentiles confirmLatencyMs,
    double blockedSeconds) {

  /** Latency percentiles in milliseconds. */
  record Percentiles(double p50, double p95, double p99) {}

  boolean allConfirmed() {
    return confirmed == published && nacked == 0 && returned == 0 && unconfirmed == 0;
  }

  String describe() {
    return String.format(
            Locale.ROOT,
            "published %d, confirmed %d, nacked %d, returned %d, unconfirmed %d in %.3f s"
                + " (%.1f orders/s)%nconfirm latency ms: p50 %.2f, p95 %.2f, p99 %.2f",
            published,
            confirmed,
            nacked,
            returned,
            unconfirmed,
            seconds,
            ratePerSec,
            confirmLatencyMs.p50(),
            confirmLatencyMs.p95(),
            confirmLatencyMs.p99())
        + (blockedSeconds > 0
            ? String.format(Locale.ROOT, "%nblocked by the broker %.3f s", blockedSeconds)
            : "");
  }
}
