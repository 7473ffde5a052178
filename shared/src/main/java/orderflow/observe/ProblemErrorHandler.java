package orderflow.observe;

import java.nio.ByteBuffer;
import orderflow.config.LogSafe;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors that Jetty itself answers (a request it cannot parse, a URI it refuses, a head too large)
 * as RFC 9457 problems like every other error, counted as refusals. Thread-safe.
 */
final class ProblemErrorHandler extends ErrorHandler {
  private final HttpRefusals refusals;

  ProblemErrorHandler(HttpRefusals refusals) {
    this.refusals = refusals;
  }

  /** An error Jetty raised once the request was parsed (e.g. an ambiguous or bad URI). */
  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Object status = request.getAttribute(ERROR_STATUS);
    Object message = request.getAttribute(ERROR_MESSAGE);
    int code = status instanceof Integer value ? value : 500;
    Problem problem = problem(code, message == null ? null : message.toString());
    if (code != 503 && code != 408) {
      refusals.refused(code >= 500 ? "error" : "malformed", code + " " + problem.detail());
    }
    write(response, problem, callback);
    return true;
  }

  private static Problem problem(int status, String reason) {
    ProblemType type = ProblemType.forStatus(status);
    String detail = reason == null || reason.isBlank() ? type.title() : LogSafe.escape(reason);
    return new Problem(type, status, detail, java.util.Map.of());
  }

  /** Writes {@code problem} as the whole response. */
  static void write(Response response, Problem problem, Callback callback) {
    response.setStatus(problem.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.CONTENT_TYPE);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(problem.toBytes()), callback);
  }
}
