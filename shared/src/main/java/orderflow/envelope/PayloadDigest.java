package orderflow.envelope;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A SHA-256 digest of an event's type and payload, hex-encoded: what the inbox keeps beside an
 * event id, so that a second event under the same id but with another content is recognised as a
 * conflict instead of being dropped as a harmless repeat. A redelivered or republished event
 * decodes to the same payload and so to the same digest.
 *
 * <p>This class is stateless and thread-safe.
 */
public final class PayloadDigest {
  private PayloadDigest() {}

  public static String of(EventEnvelope event) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(event.eventType().wireName().getBytes(StandardCharsets.UTF_8));
      sha256.update((byte) 0);
      sha256.update(EventCodec.mapper().writeValueAsBytes(event.payload()));
      return HexFormat.of().formatHex(sha256.digest());
    } catch (NoSuchAlgorithmException | JsonProcessingException e) {
      throw new IllegalStateException("cannot digest the payload of " + event.eventId(), e);
    }
  }
}
