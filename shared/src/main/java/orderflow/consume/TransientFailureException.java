package orderflow.consume;

/**
 * A failure that may pass (database busy, dependency down): retry after a delay. Any exception a
 * handler throws, other than {@link PermanentFailureException}, counts as transient.
 */
public class TransientFailureException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TransientFailureException(String message) {
    super(message);
  }
}
