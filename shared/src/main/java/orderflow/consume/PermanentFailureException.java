package orderflow.consume;

/** A failure that no retry can fix (the event itself is wrong): dead-letter at once. */
public class PermanentFailureException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PermanentFailureException(String message) {
    super(message);
  }
}
