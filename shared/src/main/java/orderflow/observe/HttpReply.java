package orderflow.observe;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A complete HTTP response: status, content type, extra headers and a body that writes itself, so a
 * long answer can be streamed from its source instead of built in memory. Immutable.
 */
public record HttpReply(int status, String contentType, Map<String, String> headers, Body body) {
  /** Writes the response body; called once, on the thread that answers the request. */
  @FunctionalInterface
  public interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  public HttpReply {
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(body, "body");
    headers = Map.copyOf(headers);
  }

  public static HttpReply of(int status, String contentType, String body) {
    return of(status, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  public static HttpReply of(int status, String contentType, byte[] body) {
    byte[] bytes = body.clone();
    return new HttpReply(status, contentType, Map.of(), out -> out.write(bytes));
  }

  /** A reply whose body {@code body} writes as it goes (sent chunked). */
  public static HttpReply streamed(int status, String contentType, Body body) {
    return new HttpReply(status, contentType, Map.of(), body);
  }

  public HttpReply withHeader(String name, String value) {
    Map<String, String> more = new HashMap<>(headers);
    more.put(name, value);
    return new HttpReply(status, contentType, more, body);
  }
}
