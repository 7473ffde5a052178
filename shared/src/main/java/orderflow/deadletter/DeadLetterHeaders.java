package orderflow.deadletter;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The headers on retried and dead letters, written by the consumer runtime and the legacy bridge,
 * read by {@code dlq}. The retry count lives here, never in {@code x-death}.
 */
public final class DeadLetterHeaders {
  public static final String REASON = "x-failure-reason";
  public static final String EXCEPTION_CLASS = "x-exception-class";
  public static final String EXCEPTION_MESSAGE = "x-exception-message";
  public static final String ATTEMPTS = "x-attempts";
  public static final String FIRST_FAILURE_AT = "x-first-failure-at";
  public static final String LAST_FAILURE_AT = "x-last-failure-at";
  public static final String ORIGINAL_EXCHANGE = "x-original-exchange";
  public static final String ORIGINAL_ROUTING_KEY = "x-original-routing-key";
  public static final String CONSUMER = "x-consumer";
  public static final String REPLAYED_AT = "x-replayed-at";
  public static final String REPLAY_COUNT = "x-replay-count";
  public static final String REASON_INVALID_EVENT = "invalid-event";
  public static final String REASON_PERMANENT_FAILURE = "permanent-failure";
  public static final String REASON_RETRIES_EXHAUSTED = "retries-exhausted";
  public static final String REASON_EVENT_ID_CONFLICT = "event-id-conflict";
  public static final String REASON_TOO_LARGE = "message-too-large";

  /** The exception message is cut to this, so no header can break frame_max. */
  public static final int MAX_MESSAGE_CHARS = 1000;

  /** Every header {@link #describe} writes, and the reason: what a replay drops. */
  public static final List<String> FAILURE_HEADERS =
      List.of(
          REASON,
          EXCEPTION_CLASS,
          EXCEPTION_MESSAGE,
          ATTEMPTS,
          FIRST_FAILURE_AT,
          LAST_FAILURE_AT,
          ORIGINAL_EXCHANGE,
          ORIGINAL_ROUTING_KEY,
          CONSUMER);

  private DeadLetterHeaders() {}

  public static Map<String, Object> describe(
      Map<String, Object> headers,
      String exchange,
      String routingKey,
      Throwable cause,
      int attempts,
      String consumer,
      Instant now) {
    Map<String, Object> described = new HashMap<>(headers);
    String nowText = now.toString();
    described.putIfAbsent(FIRST_FAILURE_AT, nowText);
    described.put(LAST_FAILURE_AT, nowText);
    described.putIfAbsent(ORIGINAL_EXCHANGE, exchange);
    described.putIfAbsent(ORIGINAL_ROUTING_KEY, routingKey);
    described.put(ATTEMPTS, attempts);
    described.put(CONSUMER, consumer);
    described.put(EXCEPTION_CLASS, cause.getClass().getName());
    described.put(EXCEPTION_MESSAGE, bounded(cause.getMessage()));
    return described;
  }

  public static int previousAttempts(Map<String, Object> headers) {
    Object value = headers.get(ATTEMPTS);
    return value instanceof Number number ? number.intValue() : 0;
  }

  public static String bounded(String message) {
    if (message == null || message.length() <= MAX_MESSAGE_CHARS) {
      return message == null ? "" : message;
    }
    return message.substring(0, MAX_MESSAGE_CHARS - 3) + "...";
  }
}
