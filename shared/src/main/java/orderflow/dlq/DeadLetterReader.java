package orderflow.dlq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.LongString;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import orderflow.deadletter.DeadLetterHeaders;

/**
 * Reads a {@link DeadLetter} from a message: who it is from its body ({@link BodyIdentity}), the
 * failure from our failure headers when present, otherwise from the broker's {@code x-death} family
 * (a message dead-lettered by the work queue's delivery limit).
 */
final class DeadLetterReader {
  static final String X_DEATH = "x-death";
  static final String X_FIRST_DEATH_REASON = "x-first-death-reason";
  static final String X_FIRST_DEATH_QUEUE = "x-first-death-queue";
  static final String X_FIRST_DEATH_EXCHANGE = "x-first-death-exchange";
  static final String X_DELIVERY_COUNT = "x-delivery-count";

  private DeadLetterReader() {}

  /** The whole body, for tests and {@code show}. */
  static DeadLetter read(AMQP.BasicProperties properties, byte[] body) {
    return read(properties, body, BodyText.WHOLE);
  }

  /**
   * @param maxBodyChars how much of the body to keep as text (see {@link BodyText})
   */
  static DeadLetter read(AMQP.BasicProperties properties, byte[] body, int maxBodyChars) {
    Map<String, Object> raw = properties.getHeaders() == null ? Map.of() : properties.getHeaders();
    Map<String, Object> headers = new LinkedHashMap<>();
    raw.forEach((key, value) -> headers.put(key, plain(value)));
    BodyText text = BodyText.of(body, maxBodyChars);
    BodyIdentity identity = BodyIdentity.of(body);
    String eventType = identity.eventType() != null ? identity.eventType() : properties.getType();
    if (raw.containsKey(DeadLetterHeaders.REASON)) {
      return new DeadLetter(
          identity.eventId(),
          properties.getMessageId(),
          eventType,
          identity.orderId(),
          properties.getType(),
          string(raw, DeadLetterHeaders.REASON),
          string(raw, DeadLetterHeaders.EXCEPTION_CLASS),
          string(raw, DeadLetterHeaders.EXCEPTION_MESSAGE),
          integer(raw.get(DeadLetterHeaders.ATTEMPTS)),
          instant(raw.get(DeadLetterHeaders.FIRST_FAILURE_AT)),
          instant(raw.get(DeadLetterHeaders.LAST_FAILURE_AT)),
          string(raw, DeadLetterHeaders.ORIGINAL_EXCHANGE),
          string(raw, DeadLetterHeaders.ORIGINAL_ROUTING_KEY),
          string(raw, DeadLetterHeaders.CONSUMER),
          headers,
          text);
    }
    Map<?, ?> death = firstDeath(raw);
    Instant diedAt = death == null ? null : instant(death.get("time"));
    String exchange = string(raw, X_FIRST_DEATH_EXCHANGE);
    if (exchange == null && death != null) {
      exchange = stringOf(death.get("exchange"));
    }
    return new DeadLetter(
        identity.eventId(),
        properties.getMessageId(),
        eventType,
        identity.orderId(),
        properties.getType(),
        string(raw, X_FIRST_DEATH_REASON),
        null,
        null,
        integer(raw.get(X_DELIVERY_COUNT)),
        diedAt,
        diedAt,
        exchange,
        death == null ? null : firstRoutingKey(death.get("routing-keys")),
        null,
        headers,
        text);
  }

  /**
   * The {@code x-death} entry of the first death: the one naming {@code x-first-death-queue}, else
   * the first entry.
   */
  private static Map<?, ?> firstDeath(Map<String, Object> raw) {
    if (!(raw.get(X_DEATH) instanceof List<?> deaths) || deaths.isEmpty()) {
      return null;
    }
    String firstQueue = string(raw, X_FIRST_DEATH_QUEUE);
    for (Object entry : deaths) {
      if (entry instanceof Map<?, ?> map
          && firstQueue != null
          && firstQueue.equals(stringOf(map.get("queue")))) {
        return map;
      }
    }
    return deaths.get(0) instanceof Map<?, ?> map ? map : null;
  }

  private static String firstRoutingKey(Object keys) {
    if (keys instanceof List<?> list && !list.isEmpty()) {
      return stringOf(list.get(0));
    }
    return null;
  }

  private static String string(Map<String, Object> headers, String name) {
    return stringOf(headers.get(name));
  }

  private static String stringOf(Object value) {
    return value == null ? null : value.toString();
  }

  private static Integer integer(Object value) {
    if (value instanceof Number number) {
      return number.intValue();
    }
    if (value != null) {
      try {
        return Integer.valueOf(value.toString().trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static Instant instant(Object value) {
    if (value instanceof Date date) {
      return date.toInstant();
    }
    if (value != null) {
      try {
        return Instant.parse(value.toString());
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    return null;
  }

  /** A header value as a JSON-friendly Java value (AMQP long strings arrive as bytes). */
  static Object plain(Object value) {
    if (value instanceof LongString text) {
      return text.toString();
    }
    if (value instanceof Date date) {
      return date.toInstant().toString();
    }
    if (value instanceof byte[] bytes) {
      return Base64.getEncoder().encodeToString(bytes);
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>();
      list.forEach(item -> copy.add(plain(item)));
      return copy;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((key, item) -> copy.put(String.valueOf(key), plain(item)));
      return copy;
    }
    return value;
  }
}
