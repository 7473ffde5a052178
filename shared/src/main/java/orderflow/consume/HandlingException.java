package orderflow.consume;

/**
 * Root of the failures a handler signals on purpose. The subclass decides what happens to the
 * message: {@link TransientFailureException} is retried later, {@link PermanentFailureException} is
 * dead-lettered at once. Any other exception a handler throws counts as transient.
 */
public abstract class HandlingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected HandlingException(String message) {
    super(message);
  }
}
