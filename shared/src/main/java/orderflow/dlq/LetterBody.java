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
 * The one reading of a dead letter's body: who it is and its printable text. The body, not the AMQP
 * properties (which the publisher chose freely), names the letter: its {@code eventId} and {@code
 * eventType} (a version 1 body's {@code type}), and its order ({@code metadata.correlationId}, else
 * {@code payload.orderId}, else {@code data.order_id}). A body without a usable eventId gets {@code
 * sha256-} and the first 32 hex digits of its SHA-256, the same for the same bytes. The text is
 * UTF-8 when the bytes shown are, else Base64, either way at most {@code maxChars} characters; the
 * body is parsed as a stream and only the bytes shown are decoded, so a 20 MB body never becomes a
 * 20 MB string.
 *
 * @param orderId null when none is usable
 * @param encoding {@code utf-8} or {@code base64}
 * @param bytes the body's full length
 * @param truncated true when {@code text} covers only the start of the body
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

  /** Longer ids, or ids with spaces or control characters, are not taken from the body. */
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

  /**
   * The identifying strings of a body that is one JSON object, keyed by path ({@code
   * payload.orderId}); empty otherwise. Streaming: other values are skipped, never built.
   */
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

  /**
   * The text of the body's first bytes, more than {@code maxChars} characters when there are more,
   * or null when they are not UTF-8 (a sequence cut by the end of those bytes is not an error).
   */
  private static String utf8(byte[] body, int maxChars) {
    int length = (int) Math.min(body.length, 4L * maxChars + 8);
    CharBuffer text = CharBuffer.allocate(length);
    boolean whole = length == body.length;
    CoderResult result =
        StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body, 0, length), text, whole);
    return result.isError() ? null : text.flip().toString();
  }
}
