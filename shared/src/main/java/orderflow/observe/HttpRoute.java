package orderflow.observe;

/**
 * Extra endpoints served by a {@link HealthServer} beside {@code /health/*} and {@code /metrics},
 * on the same listener with the same deadlines and bounded pool (a service adds its API this way
 * instead of running a second server).
 *
 * <p>Implementations are called from several worker threads at once and must be thread-safe.
 */
public interface HttpRoute {
  /** True when this route answers {@code path} (the request target without its query). */
  boolean matches(String path);

  /**
   * Answers one request. A {@link RuntimeException} becomes a 500 with a JSON error body.
   *
   * @param request its body is empty when it was larger than {@link RouteRequest#MAX_BODY_BYTES}
   *     ({@link RouteRequest#bodyTooLarge()}): answer 413 then
   */
  HttpReply handle(RouteRequest request);
}
