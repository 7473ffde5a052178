package orderflow.envelope;

/**
 * A message that can never be processed as it is: malformed JSON, a missing or bad field, an
 * unknown type or version, an oversized body. The consumer runtime dead-letters it at once, without
 * retries.
 */
public final class InvalidEventException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final String reason;

  public InvalidEventException(String field, String reason) {
    this(field, reason, null);
  }

  public InvalidEventException(String field, String reason, Throwable cause) {
    super(field + ": " + reason, cause);
    this.field = field;
    this.reason = reason;
  }

  /** Path of the offending field, e.g. {@code payload.items[0].quantity}, or {@code body}. */
  public String field() {
    return field;
  }

  public String reason() {
    return reason;
  }
}
