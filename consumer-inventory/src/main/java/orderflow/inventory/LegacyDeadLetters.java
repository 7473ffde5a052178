package orderflow.inventory;

import com.rabbitmq.client.AMQP;
import java.time.Instant;
import java.util.Map;
import orderflow.deadletter.DeadLetterHeaders;
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
    Map<String, Object> original =
        properties.getHeaders() == null ? Map.of() : properties.getHeaders();
    // The origin is where a replay must send it to reach the legacy queue again, however it
    // arrived there.
    Map<String, Object> headers =
        DeadLetterHeaders.firstFailure(
            original,
            DeadLetterHeaders.REASON_INVALID_EVENT,
            "",
            topology.legacyQueue(),
            cause,
            LegacyOrderBridge.CONSUMER_NAME,
            now);
    AMQP.BasicProperties deadLetter =
        properties.builder().headers(headers).deliveryMode(EventMessages.PERSISTENT).build();
    return new OutgoingMessage(
        topology.failureExchange(Topology.INVENTORY_QUEUE),
        topology.deadLetterQueue(Topology.INVENTORY_QUEUE),
        deadLetter,
        body);
  }
}
