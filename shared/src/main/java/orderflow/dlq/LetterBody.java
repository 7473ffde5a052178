package orderflow.dlq;

import com.fasterxml.jackson.core.filter.FilteringParserDelegate;
import com.fasterxml.jackson.core.filter.TokenFilter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A dead letter's identity and printable text, read from its body (not the AMQP properties): its
 * eventId (else {@code sha256-} and 32 hex digits of the body), type and order. Only the bytes
 * shown are decoded, UTF-8 or else Base64.
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
  private static final ObjectMapper JSON = new ObjectMapper();

  // Only these members reach the tree: any other value, however large, is skipped undecoded.
  private static final TokenFilter IDS =
      new TokenFilter() {
        private static final Set<String> READ =
            Set.of(
                "eventId",
                "eventType",
                "type",
                "metadata",
                "correlationId",
                "payload",
                "orderId",
                "data",
                "order_id");

        @Override
        public TokenFilter includeProperty(String name) {
          return READ.contains(name) ? this : null;
        }
      };

  static LetterBody of(byte[] body, int maxChars) {
    JsonNode root = tree(body);
    String id = root.path("eventId").textValue();
    String eventId = usable(id) ? id : digest(body);
    String type = root.path(root.has("eventType") ? "eventType" : "type").textValue();
    String orderId =
        Stream.of("/metadata/correlationId", "/payload/orderId", "/data/order_id")
            .map(pointer -> root.at(pointer).textValue())
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

  private static JsonNode tree(byte[] body) {
    try {
      JsonNode root =
          JSON.readTree(
              new FilteringParserDelegate(
                  JSON.createParser(body), IDS, TokenFilter.Inclusion.INCLUDE_ALL_AND_PATH, true));
      return root != null && root.isObject() ? root : MissingNode.getInstance();
    } catch (IOException | RuntimeException e) { // RuntimeException: a number like 1e9999999999
      return MissingNode.getInstance();
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
