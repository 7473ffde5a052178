package orderflow.observe;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request as a {@link HttpRoute} sees it: method, path, query, headers and body.
 * Immutable.
 *
 * @param path the request target without its query, not decoded
 * @param query the raw query string after {@code ?}, empty when there is none
 * @param headers header values by lower-case name (the last one wins when a name repeats)
 * @param contentLength the declared body length
 * @param body the body, empty when none was sent or it was larger than {@link #MAX_BODY_BYTES}
 */
public record RouteRequest(
    String method,
    String path,
    String query,
    Map<String, String> headers,
    long contentLength,
    byte[] body) {
  /** Bodies up to this size are read; a larger one is left unread and flagged. */
  public static final int MAX_BODY_BYTES = 64 * 1024;

  public RouteRequest {
    headers = Map.copyOf(headers);
    body = body.clone();
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  /** The header's value, by case-insensitive name. */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
  }

  /** True when the declared body was over {@link #MAX_BODY_BYTES} and so was not read. */
  public boolean bodyTooLarge() {
    return contentLength > MAX_BODY_BYTES;
  }

  /**
   * The query's parameters, percent-decoded as UTF-8; the last value wins when a name repeats.
   *
   * @throws IllegalArgumentException when the query holds a malformed percent escape
   */
  public Map<String, String> queryParameters() {
    Map<String, String> parameters = new LinkedHashMap<>();
    if (query.isEmpty()) {
      return parameters;
    }
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name = equals < 0 ? pair : pair.substring(0, equals);
      String value = equals < 0 ? "" : pair.substring(equals + 1);
      parameters.put(decode(name), decode(value));
    }
    return parameters;
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }
}
