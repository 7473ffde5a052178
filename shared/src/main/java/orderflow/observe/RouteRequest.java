package orderflow.observe;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import orderflow.config.LogSafe;

/**
 * One HTTP request as a {@link HttpRoute} sees it: method, raw path and query, headers and the
 * whole body (at most {@link HttpLimits#maxBodyBytes()}). Immutable.
 *
 * @param path the request target without its query, not decoded
 * @param query the raw query string after {@code ?}, empty when there is none
 * @param headers every value of each header, by lower-case name
 */
public record RouteRequest(
    String method, String path, String query, Map<String, List<String>> headers, byte[] body) {
  public RouteRequest {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    headers.forEach((name, values) -> copy.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
    headers = Map.copyOf(copy);
    body = body.clone();
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  /**
   * The header's value, by case-insensitive name.
   *
   * @throws MalformedRequestException when the header is sent more than once
   */
  public Optional<String> header(String name) {
    List<String> values = headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    if (values.size() > 1) {
      throw new MalformedRequestException(name, name + ": sent more than once");
    }
    return values.stream().findFirst();
  }

  /**
   * The query's parameters, strictly percent-decoded as UTF-8 ({@code +} is a space).
   *
   * @throws MalformedRequestException when a parameter repeats, or the query holds a malformed
   *     percent escape, bytes that are not UTF-8, or a control character
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
      String name = PercentDecoding.decode(equals < 0 ? pair : pair.substring(0, equals), true);
      String value = PercentDecoding.decode(equals < 0 ? "" : pair.substring(equals + 1), true);
      if (parameters.put(name, value) != null) {
        throw new MalformedRequestException(
            LogSafe.escape(name), LogSafe.escape(name) + ": given more than once");
      }
    }
    return parameters;
  }
}
