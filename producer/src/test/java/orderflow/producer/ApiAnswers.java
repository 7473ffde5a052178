package orderflow.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the order API answered during a test class, as {@code "METHOD /path/{param} STATUS"}, to be
 * held against docs/openapi.yaml: nothing answered may be missing from the document, and every
 * documented answer must have been seen. Thread-safe.
 */
final class ApiAnswers {
  /**
   * Answered by the HTTP layer for any route, whatever the route does; HttpLimitsServerTest in
   * shared makes each of them happen.
   */
  static final Set<String> HTTP_LAYER_STATUSES = Set.of("408", "413", "431", "503");

  /** Made to happen by OrderApiAuthIT, which runs with authentication on. */
  static final java.util.regex.Pattern AUTH_ANSWERS =
      java.util.regex.Pattern.compile(" 40[13]$|^DELETE /customers/");

  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  void record(String method, String rawPath, int status) {
    if (rawPath.equals("/orders") || rawPath.startsWith("/orders/")) {
      seen.add(method + " " + template(rawPath) + " " + status);
    }
  }

  static String template(String rawPath) {
    if (rawPath.equals("/orders")) {
      return rawPath;
    }
    return rawPath.endsWith("/cancel") ? "/orders/{orderId}/cancel" : "/orders/{orderId}";
  }

  void assertMatchesDocument() throws Exception {
    Set<String> documented = OpenApiDocument.answers(OpenApiDocument.read());
    Set<String> undocumented = new TreeSet<>();
    for (String answer : seen) {
      // A method the path does not have is answered 405 and is no operation of the document.
      boolean otherMethod =
          answer.endsWith(" 405")
              && documented.stream().noneMatch(d -> d.startsWith(answer.replace(" 405", " ")));
      if (!documented.contains(answer) && !otherMethod) {
        undocumented.add(answer);
      }
    }
    assertEquals(Set.of(), undocumented, "answers the API gave that docs/openapi.yaml lacks");
    Set<String> unseen = new TreeSet<>();
    for (String answer : documented) {
      String status = answer.substring(answer.lastIndexOf(' ') + 1);
      if (!seen.contains(answer)
          && !HTTP_LAYER_STATUSES.contains(status)
          && !AUTH_ANSWERS.matcher(answer).find()) {
        unseen.add(answer);
      }
    }
    assertEquals(Set.of(), unseen, "documented answers no test made the API give");
    assertTrue(seen.size() > 10, "answers were recorded: " + seen);
  }
}
