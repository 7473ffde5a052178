package orderflow.consume;

/** A failure that may pass (database busy, dependency down): retry after a delay. */
public class TransientFailureException extends HandlingException {
  private static final long serialVersionUID = 1L;

  public TransientFailureException(String message) {
    super(message);
  }
}
