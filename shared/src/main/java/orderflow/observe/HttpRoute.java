package orderflow.observe;

import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Extra endpoints served by a {@link HealthServer} beside {@code /health/*} and {@code /metrics},
 * on the same port. Routes run on the server's bounded API pool, never on the threads that answer
 * probes and scrapes, so a slow route or a burst of requests cannot delay them.
 *
 * <p>Implementations are called from several threads at once and must be thread-safe.
 */
public interface HttpRoute {
  /** True when this route answers {@code path} (the request target without its query, raw). */
  boolean matches(String path);

  /**
   * The route's template for {@code path}, e.g. {@code /orders/{id}} (the {@code http.route} of its
   * trace span); null when it has none.
   */
  default String template(String path) {
    return null;
  }

  /**
   * Answers one request; may block (it runs on an API thread). Errors should be {@link Problem}
   * replies; a {@link RuntimeException} becomes a 500 problem and is logged.
   */
  HttpReply handle(RouteRequest request);

  /**
   * Answers a request that needs no blocking call, or returns null to have {@link #handle} run on
   * the API pool. It runs on the Jetty thread that read the body (only for bodies of at most 4
   * KiB), so it may only check the request in memory and hand it on; the answer comes with the
   * stage, completed by any thread. A stage failed with a {@link
   * java.util.concurrent.RejectedExecutionException} is answered 503 with {@code Retry-After}, like
   * a full API pool; any other failure 500.
   */
  default CompletionStage<HttpReply> answerWithoutBlocking(RouteRequest request) {
    return null;
  }

  /**
   * What a stage failed with, without the {@link CompletionException} that dependent stages add.
   */
  static Throwable cause(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
  }
}
