package orderflow.orderservice;

import orderflow.envelope.EventLimits;

/** The body of {@code POST /orders/{id}/cancel}: nothing, or {@code {"reason": "..."}}. */
record CancelRequest(String reason) {
  static final String DEFAULT_REASON = "cancelled on request";

  CancelRequest {
    if (reason == null) {
      reason = DEFAULT_REASON;
    } else if (reason.isBlank()
        || reason.length() > EventLimits.MAX_REASON_CHARS
        || reason.codePoints().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(
          "reason must be 1 to "
              + EventLimits.MAX_REASON_CHARS
              + " characters of text without control characters");
    }
  }

  static String reason(byte[] body) {
    return new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()
        ? DEFAULT_REASON
        : RequestJson.read(body, CancelRequest.class).reason();
  }
}
