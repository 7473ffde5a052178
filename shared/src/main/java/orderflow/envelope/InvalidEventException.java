package orderflow.envelope;

import orderflow.config.LogSafe;

/**
 * A message that can never be processed as it is: malformed JSON, a missing or bad field, an
 * unknown type or version, an oversized body. The consumer runtime dead-letters it at once, without
 * retries.
 *
 * <p>The field and reason can quote the message itself, so both are escaped and shortened with
 * {@link LogSafe}: the exception's message is safe for a log line, a terminal and a dead-letter
 * header.
 */
public final class InvalidEventException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Room for any reason of ours, with a quoted value; a longer one is cut. */
  private static final int MAX_REASON_CHARS = 500;

  private final String field;
  private final String reason;

  public InvalidEventException(String field, String reason) {
    this(field, reason, null);
  }

  public InvalidEventException(String field, String reason, Throwable cause) {
    super(LogSafe.escape(field) + ": " + LogSafe.escape(reason, MAX_REASON_CHARS), cause);
    this.field = LogSafe.escape(field);
    this.reason = LogSafe.escape(reason, MAX_REASON_CHARS);
  }

  /** Path of the offending field, e.g. {@code payload.items[0].quantity}, or {@code body}. */
  public String field() {
    return field;
  }

  public String reason() {
    return reason;
  }
}
