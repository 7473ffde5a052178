package orderflow.observe;

/**
 * One kind of HTTP error, as the {@code type} of an RFC 9457 problem: {@code
 * urn:orderflow:problem:<slug>}, with its title and status. docs/openapi.yaml lists the same.
 */
public enum ProblemType {
  INVALID_REQUEST("invalid-request", "The request has an invalid field", 400),
  MALFORMED_REQUEST("malformed-request", "The request is not well-formed HTTP", 400),
  UNAUTHORIZED("unauthorized", "A valid bearer token is required", 401),
  FORBIDDEN("forbidden", "The token does not allow this", 403),
  NOT_FOUND("not-found", "No such resource", 404),
  METHOD_NOT_ALLOWED("method-not-allowed", "Method not allowed here", 405),
  REQUEST_TIMEOUT("request-timeout", "The request did not arrive in time", 408),
  IDEMPOTENCY_KEY_REUSED(
      "idempotency-key-reused", "The Idempotency-Key was used for another request", 409),
  ORDER_ENDED("order-ended", "The order has already ended", 409),
  CONTENT_TOO_LARGE("content-too-large", "The request body is too large", 413),
  UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", "The body must be application/json", 415),
  HEADERS_TOO_LARGE("headers-too-large", "The request head is too large", 431),
  INTERNAL_ERROR("internal-error", "Internal error, see the service log", 500),
  OVERLOADED("overloaded", "The service is busy, retry later", 503);

  public static final String URI_PREFIX = "urn:orderflow:problem:";

  private final String slug;
  private final String title;
  private final int status;

  ProblemType(String slug, String title, int status) {
    this.slug = slug;
    this.title = title;
    this.status = status;
  }

  public String uri() {
    return URI_PREFIX + slug;
  }

  public String title() {
    return title;
  }

  public int status() {
    return status;
  }

  /**
   * The type an error status answered by the HTTP layer itself falls under. A 5xx other than 500
   * and 503 is Jetty's refusal of what the client sent (505 for HTTP/0.9 or a broken request line):
   * a malformed request.
   */
  public static ProblemType forStatus(int status) {
    return switch (status) {
      case 404 -> NOT_FOUND;
      case 405 -> METHOD_NOT_ALLOWED;
      case 408 -> REQUEST_TIMEOUT;
      case 413 -> CONTENT_TOO_LARGE;
      case 415 -> UNSUPPORTED_MEDIA_TYPE;
      case 431 -> HEADERS_TOO_LARGE;
      case 503 -> OVERLOADED;
      case 500 -> INTERNAL_ERROR;
      default -> MALFORMED_REQUEST;
    };
  }
}
