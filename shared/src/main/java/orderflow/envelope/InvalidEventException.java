package orderflow.envelope;

import orderflow.config.LogSafe;

/**
 * A message that can never be processed as it is; dead-lettered at once. Field and reason are
 * escaped and shortened, so the message is safe for a log line, a terminal and a header.
 */
public final class InvalidEventException extends RuntimeException {
  private static final long serialVersionUID = 1L;
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

  public String field() {
    return field;
  }

  public String reason() {
    return reason;
  }
}
