package orderflow.producer;

/** A failure whose message is already the one line to show the user. */
class CommandFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CommandFailure(String line, Throwable cause) {
    super(line, cause);
  }
}
