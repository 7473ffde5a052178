package orderflow.dlq;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A dead letter's identity and printable text, read from its body (not the AMQP properties): its
 * eventId (else {@code sha256-} and 32 hex digits of the body), type and order. The body is parsed
 * as a stream and only the bytes shown are decoded, UTF-8 or else Base64.
 */
record LetterBody(
    String eventId,
    String eventType,
    String orderId,
    String text,
    String encoding,
    int bytes,
    boolean truncated) {
  static final int WHOLE = Integer.MAX_VALUE;
  static final int MAX_ID_CHARS = 128;
  private static final JsonFactory JSON = new JsonFactory();
  private static final Set<String> TOP_LEVEL = Set.of("eventId", "eventType", "type");
  private static final Map<String, String> NESTED =
      Map.of("metadata", "correlationId", "payload", "orderId", "data", "order_id");

  static LetterBody of(byte[] body, int maxChars) {
    Map<String, String> ids = ids(body);
    String eventId = usable(ids.get("eventId")) ? ids.get("eventId") : digest(body);
    String type = ids.getOrDefault("eventType", ids.get("type"));
    String orderId =
        Stream.of("metadata.correlationId", "payload.orderId", "data.order_id")
            .map(ids::get)
            .filter(LetterBody::usable)
            .findFirst()
            .orElse(null);
    String utf8 = utf8(body, maxChars);
    if (utf8 != null) {
      boolean cut = utf8.length() > maxChars;
      String text = cut ? utf8.substring(0, maxChars) : utf8;
      return new LetterBody(eventId, type, orderId, text, "utf-8", body.length, cut);
    }
    int shown = (int) Math.min(body.length, maxChars / 4L * 3L);
    String text = Base64.getEncoder().encodeToString(Arrays.copyOf(body, shown));
    return new LetterBody(eventId, type, orderId, text, "base64", body.length, shown < body.length);
  }

  private static Map<String, String> ids(byte[] body) {
    Map<String, String> found = new HashMap<>();
    try (JsonParser parser = JSON.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return Map.of();
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (value == JsonToken.VALUE_STRING && TOP_LEVEL.contains(field)) {
          found.put(field, parser.getText());
        } else if (value == JsonToken.START_OBJECT && NESTED.containsKey(field)) {
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String inner = parser.currentName();
            if (parser.nextToken() == JsonToken.VALUE_STRING && inner.equals(NESTED.get(field))) {
              found.put(field + "." + inner, parser.getText());
            } else {
              parser.skipChildren();
            }
          }
        } else {
          parser.skipChildren();
        }
      }
      return parser.nextToken() == null ? found : Map.of();
    } catch (IOException e) {
      return Map.of();
    }
  }

  private static boolean usable(String id) {
    return id != null
        && !id.isEmpty()
        && id.length() <= MAX_ID_CHARS
        && id.chars().allMatch(c -> c > 0x20 && c < 0x7f);
  }

  private static String digest(byte[] body) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(body);
      return "sha256-" + HexFormat.of().formatHex(hash, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static String utf8(byte[] body, int maxChars) {
    int length = (int) Math.min(body.length, 4L * maxChars + 8);
    CharBuffer text = CharBuffer.allocate(length);
    boolean whole = length == body.length;
    CoderResult result =
        StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body, 0, length), text, whole);
    return result.isError() ? null : text.flip().toString();
  }
}
