package orderflow.orderservice;

/** A request to the order API that cannot be served as sent: a 400 naming the field. */
final class InvalidRequestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String field;

  InvalidRequestException(String field, String message) {
    super(message);
    this.field = field;
  }

  /** e.g. {@code items[0].quantity} */
  String field() {
    return field;
  }
}
