package orderflow.consume.engine;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import java.util.Map;
import orderflow.deadletter.DeadLetterHeaders;

/** One message as the broker delivered it, not yet settled. */
record ReceivedDelivery(Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
  long tag() {
    return envelope.getDeliveryTag();
  }

  Map<String, Object> headers() {
    Map<String, Object> headers = properties.getHeaders();
    return headers == null ? Map.of() : headers;
  }

  /** Failed deliveries before this one, from our own header (never from x-death). */
  int previousAttempts() {
    return DeadLetterHeaders.previousAttempts(headers());
  }

  String eventTypeLabel() {
    String type = properties.getType();
    return type == null || type.isBlank() ? "unknown" : type;
  }
}
