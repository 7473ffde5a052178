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
 */
record BodyIdentity(String eventId, String eventType) {
  static final String DIGEST_PREFIX = "sha256-";

  /** Longer ids, or ids with spaces or control characters, are not taken from the body. */
  static final int MAX_ID_CHARS = 128;

  private static final JsonFactory JSON = new JsonFactory();

  static BodyIdentity of(byte[] body) {
    String eventId = null;
    String eventType = null;
    String legacyType = null;
    // Streaming: nested values are skipped, not built, so a 20 MB body costs no 20 MB tree.
    try (JsonParser parser = JSON.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return digest(body, null);
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
        } else {
          parser.skipChildren();
        }
      }
      if (parser.nextToken() != null) {
        return digest(body, null);
      }
    } catch (IOException e) {
      return digest(body, null);
    }
    String type = eventType != null ? eventType : legacyType;
    return usable(eventId) ? new BodyIdentity(eventId, type) : digest(body, type);
  }

  private static boolean usable(String id) {
    return id != null
        && !id.isEmpty()
        && id.length() <= MAX_ID_CHARS
        && id.chars().allMatch(c -> c > 0x20 && c < 0x7f);
  }

  private static BodyIdentity digest(byte[] body, String type) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(body);
      return new BodyIdentity(DIGEST_PREFIX + HexFormat.of().formatHex(hash, 0, 16), type);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
