package orderflow.orderservice;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import orderflow.envelope.EventCodec;

/**
 * Reads a request body as exactly one JSON value: trailing garbage or a second object after the
 * first is malformed, not ignored. Stateless and thread-safe.
 */
final class RequestJson {
  private static final ObjectReader READER =
      EventCodec.mapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private RequestJson() {}

  /**
   * @return the value, or a missing node for a body of only whitespace
   * @throws InvalidRequestException naming {@code body}
   */
  static JsonNode read(byte[] body) {
    try {
      JsonNode json = READER.readTree(body);
      return json == null ? MissingNode.getInstance() : json;
    } catch (IOException e) {
      throw new InvalidRequestException("body", "body: malformed JSON or more than one value");
    }
  }
}
