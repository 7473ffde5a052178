package orderflow.observe;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * The HTTP server's limits: what a client may hold and for how long. Each one has a {@code
 * DEFAULT_*} constant and an environment variable ({@link #fromEnv}). Immutable.
 *
 * @param headDeadline a new connection must complete its first request head within this, else it
 *     gets 408 and is closed (a client that sends one byte a second is not kept)
 * @param idleTimeout a connection with nothing to read or write for this long is closed; bounds a
 *     keep-alive connection between requests and a stalled body
 * @param minBodyBytesPerSecond a body that arrives slower than this, once it has had a second, ends
 *     in 408
 * @param maxBodyBytes a larger request body is refused with 413
 * @param maxConnections connections beyond this wait in the accept queue
 * @param acceptQueue the listening socket's backlog
 * @param apiThreads threads that run the service's routes (probes and metrics never use them)
 * @param apiQueue requests waiting for an API thread; one more is refused with 503
 * @param retryAfter what the {@code Retry-After} of a 503 says
 */
public record HttpLimits(
    Duration headDeadline,
    Duration idleTimeout,
    long minBodyBytesPerSecond,
    int maxBodyBytes,
    int maxConnections,
    int acceptQueue,
    int apiThreads,
    int apiQueue,
    Duration retryAfter) {
  public static final Duration DEFAULT_HEAD_DEADLINE = Duration.ofSeconds(2);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
  public static final long DEFAULT_MIN_BODY_BYTES_PER_SECOND = 1024;
  public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
  public static final int DEFAULT_MAX_CONNECTIONS = 1024;
  public static final int DEFAULT_ACCEPT_QUEUE = 256;
  public static final int DEFAULT_API_THREADS = 16;
  public static final int DEFAULT_API_QUEUE = 512;
  public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

  public static final HttpLimits DEFAULT =
      new HttpLimits(
          DEFAULT_HEAD_DEADLINE,
          DEFAULT_IDLE_TIMEOUT,
          DEFAULT_MIN_BODY_BYTES_PER_SECOND,
          DEFAULT_MAX_BODY_BYTES,
          DEFAULT_MAX_CONNECTIONS,
          DEFAULT_ACCEPT_QUEUE,
          DEFAULT_API_THREADS,
          DEFAULT_API_QUEUE,
          DEFAULT_RETRY_AFTER);

  public HttpLimits {
    positive(headDeadline, "headDeadline");
    positive(idleTimeout, "idleTimeout");
    positive(retryAfter, "retryAfter");
    atLeast(minBodyBytesPerSecond, 0, "minBodyBytesPerSecond");
    atLeast(maxBodyBytes, 1, "maxBodyBytes");
    atLeast(maxConnections, 1, "maxConnections");
    atLeast(acceptQueue, 1, "acceptQueue");
    atLeast(apiThreads, 1, "apiThreads");
    atLeast(apiQueue, 0, "apiQueue");
  }

  /**
   * The defaults, each replaced by its environment variable when set: {@code
   * HTTP_HEAD_DEADLINE_MS}, {@code HTTP_IDLE_TIMEOUT_MS}, {@code HTTP_MIN_BODY_BYTES_PER_SECOND},
   * {@code HTTP_MAX_BODY_BYTES}, {@code HTTP_MAX_CONNECTIONS}, {@code HTTP_ACCEPT_QUEUE}, {@code
   * HTTP_API_THREADS}, {@code HTTP_API_QUEUE}, {@code HTTP_RETRY_AFTER_SECONDS}.
   *
   * @throws IllegalArgumentException naming the variable whose value is not a valid number
   */
  public static HttpLimits fromEnv(Function<String, String> env) {
    Objects.requireNonNull(env, "env");
    return new HttpLimits(
        Duration.ofMillis(number(env, "HTTP_HEAD_DEADLINE_MS", DEFAULT_HEAD_DEADLINE.toMillis())),
        Duration.ofMillis(number(env, "HTTP_IDLE_TIMEOUT_MS", DEFAULT_IDLE_TIMEOUT.toMillis())),
        number(env, "HTTP_MIN_BODY_BYTES_PER_SECOND", DEFAULT_MIN_BODY_BYTES_PER_SECOND),
        (int) number(env, "HTTP_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES),
        (int) number(env, "HTTP_MAX_CONNECTIONS", DEFAULT_MAX_CONNECTIONS),
        (int) number(env, "HTTP_ACCEPT_QUEUE", DEFAULT_ACCEPT_QUEUE),
        (int) number(env, "HTTP_API_THREADS", DEFAULT_API_THREADS),
        (int) number(env, "HTTP_API_QUEUE", DEFAULT_API_QUEUE),
        Duration.ofSeconds(
            number(env, "HTTP_RETRY_AFTER_SECONDS", DEFAULT_RETRY_AFTER.toSeconds())));
  }

  private static long number(Function<String, String> env, String name, long fallback) {
    String value = env.apply(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(value.trim());
      if (parsed < 0 || parsed > Integer.MAX_VALUE) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          name + ": must be a whole number from 0 to " + Integer.MAX_VALUE + ", was " + value, e);
    }
  }

  private static void positive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }

  private static void atLeast(long value, long minimum, String name) {
    if (value < minimum) {
      throw new IllegalArgumentException(name + " must be at least " + minimum + ", was " + value);
    }
  }
}
