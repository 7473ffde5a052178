package orderflow.publish;

import com.rabbitmq.client.AMQP;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;

/**
 * Builds the AMQP message for an event: properties mirror the envelope (docs/architecture.md
 * section 3).
 */
public final class EventMessages {
  public static final String CONTENT_TYPE = "application/json";
  public static final String VERSION_HEADER = "x-event-version";
  public static final int PERSISTENT = 2;

  private final EventCodec codec;

  public EventMessages(EventCodec codec) {
    this.codec = codec;
  }

  public OutgoingMessage toMessage(EventEnvelope event, String exchange) {
    return new OutgoingMessage(
        exchange, event.routingKey(), properties(event), codec.encode(event));
  }

  public static AMQP.BasicProperties properties(EventEnvelope event) {
    Map<String, Object> headers = new HashMap<>();
    headers.put(VERSION_HEADER, event.metadata().version());
    return new AMQP.BasicProperties.Builder()
        .contentType(CONTENT_TYPE)
        .contentEncoding("utf-8")
        .deliveryMode(PERSISTENT)
        .messageId(event.eventId().toString())
        .type(event.eventType().wireName())
        .timestamp(Date.from(event.timestamp()))
        .correlationId(event.metadata().correlationId())
        .appId(event.metadata().source())
        .headers(headers)
        .build();
  }
}
