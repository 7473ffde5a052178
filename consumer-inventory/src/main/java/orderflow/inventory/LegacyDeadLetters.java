package orderflow.inventory;

import com.rabbitmq.client.AMQP;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import orderflow.consume.DeadLetterHeaders;
import orderflow.publish.EventMessages;
import orderflow.publish.OutgoingMessage;
import orderflow.topology.Topology;

/**
 * Builds the dead letter of a legacy message that can never be decoded (docs/architecture.md
 * section 6).
 */
final class LegacyDeadLetters {
  private LegacyDeadLetters() {}

  /** The original body and properties, to {@code inventory.dlq}, with headers naming the cause. */
  static OutgoingMessage invalid(
      Topology topology,
      AMQP.BasicProperties properties,
      byte[] body,
      Exception cause,
      Instant now) {
    Map<String, Object> headers =
        properties.getHeaders() == null ? new HashMap<>() : new HashMap<>(properties.getHeaders());
    String nowText = now.toString();
    headers.put(DeadLetterHeaders.REASON, DeadLetterHeaders.REASON_INVALID_EVENT);
    headers.put(DeadLetterHeaders.EXCEPTION_CLASS, cause.getClass().getName());
    headers.put(DeadLetterHeaders.EXCEPTION_MESSAGE, bounded(cause.getMessage()));
    headers.put(DeadLetterHeaders.ATTEMPTS, 1);
    headers.put(DeadLetterHeaders.FIRST_FAILURE_AT, nowText);
    headers.put(DeadLetterHeaders.LAST_FAILURE_AT, nowText);
    // Where a replay must send it to reach the legacy queue again, however it arrived there.
    headers.put(DeadLetterHeaders.ORIGINAL_EXCHANGE, "");
    headers.put(DeadLetterHeaders.ORIGINAL_ROUTING_KEY, topology.legacyQueue());
    headers.put(DeadLetterHeaders.CONSUMER, LegacyOrderBridge.CONSUMER_NAME);
    AMQP.BasicProperties deadLetter =
        properties.builder().headers(headers).deliveryMode(EventMessages.PERSISTENT).build();
    return new OutgoingMessage(
        topology.failureExchange(Topology.INVENTORY_QUEUE),
        topology.deadLetterQueue(Topology.INVENTORY_QUEUE),
        deadLetter,
        body);
  }

  static String bounded(String message) {
    if (message == null) {
      return "";
    }
    int max = DeadLetterHeaders.MAX_MESSAGE_CHARS;
    return message.length() <= max ? message : message.substring(0, max - 3) + "...";
  }
}
