package orderflow.observe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * An RFC 9457 problem detail: {@code type}, {@code title}, {@code status}, {@code detail} and
 * extension members (e.g. {@code field}), served as {@code application/problem+json}. Immutable.
 *
 * @param detail this occurrence in words; text from the request in it must already be escaped
 */
public record Problem(ProblemType type, int status, String detail, Map<String, Object> extensions) {
  public static final String CONTENT_TYPE = "application/problem+json";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  public Problem {
    extensions = Map.copyOf(extensions);
  }

  public static Problem of(ProblemType type, String detail) {
    return new Problem(type, type.status(), detail, Map.of());
  }

  /** A 400 naming the field, parameter or header at fault. */
  public static Problem invalid(String field, String detail) {
    return new Problem(ProblemType.INVALID_REQUEST, 400, detail, Map.of("field", field));
  }

  public byte[] toBytes() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("type", type.uri());
    json.put("title", type.title());
    json.put("status", status);
    json.put("detail", detail);
    json.putAll(extensions);
    try {
      return MAPPER.writeValueAsBytes(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a problem as JSON", e);
    }
  }

  /** Writes this problem as the whole response without blocking; headers already set are kept. */
  public void write(Response response, Callback callback) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(toBytes()), callback);
  }
}
