package orderflow.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import orderflow.broker.FailureLine;
import orderflow.config.LogSafe;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error the HTTP layer answers, as an RFC 9457 problem. A refusal is counted in {@code
 * orderflow_http_refused_total{reason}} and logged at DEBUG only, escaped and cut short, so bad
 * requests cannot flood the log; a failure of ours is one WARN line. Thread-safe.
 */
final class ProblemErrorHandler extends ErrorHandler {
  static final String REFUSED = "orderflow.http.refused";
  private static final Logger LOG = LoggerFactory.getLogger(ProblemErrorHandler.class);

  private final MeterRegistry registry;
  private final Duration retryAfter;

  ProblemErrorHandler(MeterRegistry registry, Duration retryAfter) {
    this.registry = registry;
    this.retryAfter = retryAfter;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = request.getAttribute(ERROR_STATUS) instanceof Integer code ? code : 500;
    Throwable cause = request.getAttribute(ERROR_EXCEPTION) instanceof Throwable t ? t : null;
    if (cause != null
        && FailureLine.innermost(cause) instanceof TimeoutException timeout
        && String.valueOf(timeout.getMessage()).equals("read rate is too low")) {
      status = 408; // MinimumDataRateHandler's: the body arrived slower than the minimum rate
    }
    Object message = request.getAttribute(ERROR_MESSAGE);
    ProblemType type = ProblemType.forStatus(status);
    String detail;
    if (type == ProblemType.INTERNAL_ERROR) {
      detail = "see the service log";
      LOG.warn(
          "HTTP {} {} failed: {}",
          LogSafe.escape(request.getMethod(), 20),
          LogSafe.escape(request.getHttpURI().getPath(), 100),
          cause == null ? LogSafe.escape(message) : FailureLine.describe(cause));
    } else if (type == ProblemType.OVERLOADED) {
      detail = "every API slot is taken; retry after " + retryAfter.toSeconds() + " s";
      response.getHeaders().put(HttpHeader.RETRY_AFTER, retryAfter.toSeconds());
    } else {
      // Jetty's reason names what was wrong; an exception's own text never reaches the client.
      boolean ownReason = message != null && (cause == null || cause instanceof HttpException);
      detail = ownReason ? LogSafe.escape(message) : type.title();
    }
    Problem problem =
        new Problem(
            type,
            type == ProblemType.MALFORMED_REQUEST && status >= 500 ? 400 : status,
            detail,
            java.util.Map.of());
    String reason = reason(problem.status());
    if (reason != null) {
      refused(
          reason,
          LogSafe.escape(request.getMethod(), 20)
              + " "
              + LogSafe.escape(request.getHttpURI().getPath(), 100)
              + ": "
              + detail);
    }
    problem.write(response, callback);
    return true;
  }

  /** Counts a refusal under a fixed {@code reason}; {@code detail} must already be escaped. */
  void refused(String reason, String detail) {
    Counter.builder(REFUSED)
        .description("HTTP requests refused without being served, by reason")
        .tag("reason", reason)
        .register(registry)
        .increment();
    LOG.debug("HTTP: refused ({}): {}", reason, detail);
  }

  private static String reason(int status) {
    return switch (status) {
      case 404, 405 -> null;
      case 408 -> "timeout";
      case 413, 431 -> "too-large";
      case 415 -> "unsupported";
      case 503 -> "busy";
      default -> status < 500 ? "malformed" : null;
    };
  }
}
