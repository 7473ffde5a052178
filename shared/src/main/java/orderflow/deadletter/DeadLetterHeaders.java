package orderflow.deadletter;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The dead-letter wire format: the headers written on retried and dead letters, by the consumer
 * runtime and the legacy bridge, and read by the {@code dlq} tools (docs/architecture.md section
 * 6). The retry count lives here, never in {@code x-death}.
 *
 * <p>Stateless and thread-safe; every map returned is a new mutable copy owned by the caller.
 */
public final class DeadLetterHeaders {
  /**
   * Short category: {@code invalid-event}, {@code permanent-failure}, {@code retries-exhausted},
   * {@code event-id-conflict}.
   */
  public static final String REASON = "x-failure-reason";

  public static final String EXCEPTION_CLASS = "x-exception-class";

  /** Cut to {@link #MAX_MESSAGE_CHARS} so no header can break frame_max. */
  public static final String EXCEPTION_MESSAGE = "x-exception-message";

  /** Deliveries that failed so far (1 after the first failure). */
  public static final String ATTEMPTS = "x-attempts";

  public static final String FIRST_FAILURE_AT = "x-first-failure-at";
  public static final String LAST_FAILURE_AT = "x-last-failure-at";
  public static final String ORIGINAL_EXCHANGE = "x-original-exchange";
  public static final String ORIGINAL_ROUTING_KEY = "x-original-routing-key";
  public static final String CONSUMER = "x-consumer";

  /** Set by {@code dlq replay}: when, and how many times this event was replayed. */
  public static final String REPLAYED_AT = "x-replayed-at";

  public static final String REPLAY_COUNT = "x-replay-count";

  public static final String REASON_INVALID_EVENT = "invalid-event";
  public static final String REASON_PERMANENT_FAILURE = "permanent-failure";
  public static final String REASON_RETRIES_EXHAUSTED = "retries-exhausted";

  /** An event id already applied with another payload (a digest mismatch in the inbox). */
  public static final String REASON_EVENT_ID_CONFLICT = "event-id-conflict";

  /** A body over the size limit, dead-lettered by the broker without being read. */
  public static final String REASON_TOO_LARGE = "message-too-large";

  public static final int MAX_MESSAGE_CHARS = 1000;

  /** Every header {@link #describe} and {@link #firstFailure} write: what a replay drops. */
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

  /**
   * A failed delivery's headers plus what explains this failure. The first failure time, the
   * original exchange and routing key survive from earlier attempts; everything else is
   * overwritten, so the headers never grow with the number of attempts. No reason: a dead letter
   * adds {@link #REASON}, a retry has none.
   *
   * @param headers the delivery's headers (not changed)
   * @param exchange the exchange the delivery came through
   * @param routingKey the routing key it came with
   */
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

  /**
   * The headers of a message dead-lettered at its first failure, whatever earlier headers said:
   * {@code reason}, one attempt, and the origin a replay must send it to.
   *
   * @param headers the message's headers (not changed)
   */
  public static Map<String, Object> firstFailure(
      Map<String, Object> headers,
      String reason,
      String originalExchange,
      String originalRoutingKey,
      Throwable cause,
      String consumer,
      Instant now) {
    Map<String, Object> earlier = new HashMap<>(headers);
    earlier.keySet().removeAll(List.of(FIRST_FAILURE_AT, ORIGINAL_EXCHANGE, ORIGINAL_ROUTING_KEY));
    Map<String, Object> described =
        describe(earlier, originalExchange, originalRoutingKey, cause, 1, consumer, now);
    described.put(REASON, reason);
    return described;
  }

  /** Failed deliveries before this one, from our own header (never from {@code x-death}). */
  public static int previousAttempts(Map<String, Object> headers) {
    Object value = headers.get(ATTEMPTS);
    return value instanceof Number number ? number.intValue() : 0;
  }

  /** {@code message} cut to {@link #MAX_MESSAGE_CHARS}; empty for null. */
  public static String bounded(String message) {
    if (message == null) {
      return "";
    }
    return message.length() <= MAX_MESSAGE_CHARS
        ? message
        : message.substring(0, MAX_MESSAGE_CHARS - 3) + "...";
  }
}
