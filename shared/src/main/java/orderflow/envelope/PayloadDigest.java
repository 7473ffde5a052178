package orderflow.envelope;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of an event's type and payload: kept by the inbox beside the event id, so the same id
 * with another content is a conflict, not a repeat.
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
