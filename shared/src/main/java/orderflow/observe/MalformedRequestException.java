package orderflow.observe;

/** Text of a request that cannot be read as sent: a 400 naming the part at fault. */
public final class MalformedRequestException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final String part;

  /**
   * @param part the header, parameter or {@code uri} at fault
   * @param message begins with the part; holds no unescaped text of the request
   */
  public MalformedRequestException(String part, String message) {
    super(message);
    this.part = part;
  }

  public Problem problem() {
    return Problem.invalid(part, getMessage());
  }
}
