package orderflow.dlq;

/** Human-readable lines for dead letters. */
final class DlqLines {
  private DlqLines() {}

  /** eventId, type, reason, attempts and when it failed, on one line. */
  static String summary(DeadLetter letter) {
    return String.format(
        "%-36s  %-18s  %-20s  attempts=%-3s  failedAt=%s",
        orDash(letter.eventId()),
        orDash(letter.eventType()),
        orDash(letter.reason()),
        letter.attempts() == null ? "-" : letter.attempts().toString(),
        letter.lastFailureAt() == null ? "-" : letter.lastFailureAt().toString());
  }

  static String destination(DeadLetter letter) {
    return orDash(letter.originalExchange()) + " / " + orDash(letter.originalRoutingKey());
  }

  private static String orDash(String value) {
    return value == null || value.isEmpty() ? "-" : value;
  }
}
