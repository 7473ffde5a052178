package orderflow.consume;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Builds the headers of a retried or dead-lettered message from the delivery that failed. */
final class FailureHeaders {
  private FailureHeaders() {}

  /**
   * The delivery's headers plus what explains this failure. The first failure time, the original
   * exchange and routing key survive from earlier attempts; everything else is overwritten, so the
   * headers never grow with the number of attempts.
   */
  static Map<String, Object> describe(
      Delivery delivery, Throwable cause, int attempts, String consumer, Instant now) {
    Map<String, Object> headers = new HashMap<>(delivery.headers());
    String nowText = now.toString();
    headers.putIfAbsent(DeadLetterHeaders.FIRST_FAILURE_AT, nowText);
    headers.put(DeadLetterHeaders.LAST_FAILURE_AT, nowText);
    headers.putIfAbsent(DeadLetterHeaders.ORIGINAL_EXCHANGE, delivery.envelope().getExchange());
    headers.putIfAbsent(
        DeadLetterHeaders.ORIGINAL_ROUTING_KEY, delivery.envelope().getRoutingKey());
    headers.put(DeadLetterHeaders.ATTEMPTS, attempts);
    headers.put(DeadLetterHeaders.CONSUMER, consumer);
    headers.put(DeadLetterHeaders.EXCEPTION_CLASS, cause.getClass().getName());
    headers.put(DeadLetterHeaders.EXCEPTION_MESSAGE, bounded(cause.getMessage()));
    return headers;
  }

  static String bounded(String message) {
    if (message == null) {
      return "";
    }
    return message.length() <= DeadLetterHeaders.MAX_MESSAGE_CHARS
        ? message
        : message.substring(0, DeadLetterHeaders.MAX_MESSAGE_CHARS - 3) + "...";
  }
}
