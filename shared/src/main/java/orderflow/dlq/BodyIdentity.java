package orderflow.dlq;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Who a dead letter is, read from its body rather than its AMQP properties, which whoever published
 * it chose freely: the body's {@code eventId} and {@code eventType} when the body is a JSON object
 * carrying a usable {@code eventId}, otherwise a digest of the body as its id.
 *
 * @param eventId the body's eventId, or {@code sha256-} and the first 32 hex digits of the body's
 *     SHA-256 (stable: the same bytes always get the same id)
 * @param eventType the body's {@code eventType} (or a version 1 body's {@code type}); null if none
 * @param orderId the order the letter belongs to: {@code metadata.correlationId}, else {@code
 *     payload.orderId}, else a version 1 body's {@code data.order_id}; null if none is usable. What
 *     an operator needs to resolve a stuck order: replay the letter, or cancel the order.
 */
record BodyIdentity(String eventId, String eventType, String orderId) {
  static final String DIGEST_PREFIX = "sha256-";

  /** Longer ids, or ids with spaces or control characters, are not taken from the body. */
  static final int MAX_ID_CHARS = 128;

  private static final JsonFactory JSON = new JsonFactory();

  static BodyIdentity of(byte[] body) {
    String eventId = null;
    String eventType = null;
    String legacyType = null;
    String correlationId = null;
    String payloadOrderId = null;
    String legacyOrderId = null;
    // Streaming: nested values are skipped, not built, so a 20 MB body costs no 20 MB tree.
    try (JsonParser parser = JSON.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return digest(body, null, null);
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (value == JsonToken.VALUE_STRING && field.equals("eventId")) {
          eventId = parser.getText();
        } else if (value == JsonToken.VALUE_STRING && field.equals("eventType")) {
          eventType = parser.getText();
        } else if (value == JsonToken.VALUE_STRING && field.equals("type")) {
          legacyType = parser.getText();
        } else if (value == JsonToken.START_OBJECT && field.equals("metadata")) {
          correlationId = stringField(parser, "correlationId");
        } else if (value == JsonToken.START_OBJECT && field.equals("payload")) {
          payloadOrderId = stringField(parser, "orderId");
        } else if (value == JsonToken.START_OBJECT && field.equals("data")) {
          legacyOrderId = stringField(parser, "order_id");
        } else {
          parser.skipChildren();
        }
      }
      if (parser.nextToken() != null) {
        return digest(body, null, null);
      }
    } catch (IOException e) {
      return digest(body, null, null);
    }
    String type = eventType != null ? eventType : legacyType;
    String orderId =
        usable(correlationId)
            ? correlationId
            : usable(payloadOrderId)
                ? payloadOrderId
                : usable(legacyOrderId) ? legacyOrderId : null;
    return usable(eventId) ? new BodyIdentity(eventId, type, orderId) : digest(body, type, orderId);
  }

  /**
   * The string value of {@code name} in the object the parser is at the start of; skips the rest.
   */
  private static String stringField(JsonParser parser, String name) throws IOException {
    String found = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if (value == JsonToken.VALUE_STRING && field.equals(name)) {
        found = parser.getText();
      } else {
        parser.skipChildren();
      }
    }
    return found;
  }

  private static boolean usable(String id) {
    return id != null
        && !id.isEmpty()
        && id.length() <= MAX_ID_CHARS
        && id.chars().allMatch(c -> c > 0x20 && c < 0x7f);
  }

  private static BodyIdentity digest(byte[] body, String type, String orderId) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(body);
      return new BodyIdentity(DIGEST_PREFIX + HexFormat.of().formatHex(hash, 0, 16), type, orderId);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
