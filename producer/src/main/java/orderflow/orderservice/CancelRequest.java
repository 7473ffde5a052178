package orderflow.orderservice;

import com.fasterxml.jackson.databind.JsonNode;
import orderflow.envelope.EventLimits;

/** The body of {@code POST /orders/{id}/cancel}: nothing, or {@code {"reason": "..."}}. */
final class CancelRequest {
  /** The reason of a cancellation that gives none. */
  static final String DEFAULT_REASON = "cancelled on request";

  private CancelRequest() {}

  /**
   * @throws InvalidRequestException naming {@code body} or {@code reason}
   */
  static String reason(byte[] body) {
    if (body == null || body.length == 0) {
      return DEFAULT_REASON;
    }
    JsonNode json = RequestJson.read(body);
    if (json.isMissingNode()) {
      return DEFAULT_REASON;
    }
    if (!json.isObject()) {
      throw new InvalidRequestException("body", "body: must be a JSON object");
    }
    JsonNode reason = json.get("reason");
    if (reason == null || reason.isNull()) {
      return DEFAULT_REASON;
    }
    if (!reason.isTextual()
        || reason.asText().isBlank()
        || reason.asText().length() > EventLimits.MAX_REASON_CHARS
        || reason.asText().codePoints().anyMatch(Character::isISOControl)) {
      throw new InvalidRequestException(
          "reason",
          "reason: 1 to "
              + EventLimits.MAX_REASON_CHARS
              + " characters of text without control characters");
    }
    return reason.asText();
  }
}
