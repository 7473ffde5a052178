package orderflow.dlq;

/** Human-readable lines for dead letters, with everything from the message escaped. */
final class DlqLines {
  private DlqLines() {}

  /**
   * eventId, type, the order, reason, attempts and when it failed, on one line; then the {@code
   * message_id} and {@code type} properties when they disagree with the body.
   */
  static String summary(DeadLetter letter) {
    String line =
        String.format(
            "%-36s  %-18s  order=%-36s  %-20s  attempts=%-3s  failedAt=%s",
            orDash(letter.eventId()),
            orDash(letter.eventType()),
            orDash(letter.orderId()),
            orDash(letter.reason()),
            letter.attempts() == null ? "-" : letter.attempts().toString(),
            letter.lastFailureAt() == null ? "-" : letter.lastFailureAt().toString());
    if (letter.messageIdDisagrees()) {
      line += "  message_id=" + orDash(letter.messageId());
    }
    if (letter.typePropertyDisagrees()) {
      line += "  type_property=" + orDash(letter.typeProperty());
    }
    return line;
  }

  static String destination(DeadLetter letter) {
    return orDash(letter.originalExchange()) + " / " + orDash(letter.originalRoutingKey());
  }

  private static String orDash(String value) {
    return value == null || value.isEmpty() ? "-" : TerminalText.escape(value);
  }
}
