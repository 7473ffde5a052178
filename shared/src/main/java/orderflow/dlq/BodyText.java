package orderflow.dlq;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A message body as text that is safe to print: its UTF-8 text when it is valid UTF-8, otherwise
 * Base64, either way at most {@code maxChars} characters (the rest is cut, and says so). The whole
 * body is checked in small steps, so a 20 MB body never becomes a 20 MB string for a listing.
 *
 * @param text the UTF-8 text or the Base64 encoding of the (leading) bytes
 * @param encoding {@code utf-8} or {@code base64}
 * @param bytes the body's full length in bytes
 * @param truncated true when {@code text} covers only the start of the body
 */
record BodyText(String text, String encoding, int bytes, boolean truncated) {
  static final String UTF_8 = "utf-8";
  static final String BASE64 = "base64";

  /** No limit: the whole body (for {@code dlq show}). */
  static final int WHOLE = Integer.MAX_VALUE;

  BodyText {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(encoding, "encoding");
  }

  static BodyText of(byte[] body, int maxChars) {
    StringBuilder text = new StringBuilder(Math.min(body.length, Math.min(maxChars, 64 * 1024)));
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(body);
    CharBuffer chunk = CharBuffer.allocate(8 * 1024);
    boolean truncated = false;
    while (true) {
      CoderResult result = decoder.decode(in, chunk, true);
      if (result.isError()) {
        return base64(body, maxChars);
      }
      chunk.flip();
      int room = maxChars - text.length();
      if (chunk.remaining() > room) {
        text.append(chunk, 0, room);
        truncated = true;
      } else {
        text.append(chunk);
      }
      chunk.clear();
      if (result.isUnderflow()) {
        break;
      }
    }
    if (decoder.flush(chunk).isError()) {
      return base64(body, maxChars);
    }
    return new BodyText(text.toString(), UTF_8, body.length, truncated);
  }

  private static BodyText base64(byte[] body, int maxChars) {
    // Four Base64 characters per three bytes.
    long fittingBytes = maxChars == WHOLE ? body.length : (maxChars / 4L) * 3L;
    int shown = (int) Math.min(body.length, fittingBytes);
    byte[] start = shown == body.length ? body : Arrays.copyOf(body, shown);
    return new BodyText(
        Base64.getEncoder().encodeToString(start), BASE64, body.length, shown < body.length);
  }
}
