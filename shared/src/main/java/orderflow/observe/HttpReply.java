package orderflow.observe;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A complete HTTP response: status, content type, extra headers and body. Immutable. */
public record HttpReply(int status, String contentType, Map<String, String> headers, byte[] body) {
  public HttpReply {
    headers = Map.copyOf(headers);
  }

  public static HttpReply of(int status, String contentType, String body) {
    return new HttpReply(status, contentType, Map.of(), body.getBytes(StandardCharsets.UTF_8));
  }

  public HttpReply withHeader(String name, String value) {
    Map<String, String> more = new java.util.HashMap<>(headers);
    more.put(name, value);
    return new HttpReply(status, contentType, more, body);
  }
}
