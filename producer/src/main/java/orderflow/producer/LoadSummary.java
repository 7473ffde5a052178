package orderflow.producer;

/**
 * What one {@code producer load} run achieved. {@code ratePerSec} is confirmed orders per second
 * from the first publish until the last answer; latencies are from publish to confirm; {@code
 * blockedSeconds} is the time the broker blocked publishing during the run ({@code
 * connection.blocked}, e.g. under a memory alarm), part of {@code seconds}.
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

  record Percentiles(double p50, double p95, double p99) {}

  /** This summary with the time blocked during its run, in seconds (rounded to 0.001). */
  LoadSummary withBlockedSeconds(double seconds) {
    return new LoadSummary(
        published,
        confirmed,
        nacked,
        returned,
        unconfirmed,
        this.seconds,
        ratePerSec,
        confirmLatencyMs,
        Math.round(seconds * 1000) / 1000.0);
  }

  boolean allConfirmed() {
    return confirmed == published && nacked == 0 && returned == 0 && unconfirmed == 0;
  }

  String describe() {
    String blocked =
        blockedSeconds > 0
            ? String.format(java.util.Locale.ROOT, "%nblocked by the broker %.3f s", blockedSeconds)
            : "";
    return String.format(
            java.util.Locale.ROOT,
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
        + blocked;
  }
}
