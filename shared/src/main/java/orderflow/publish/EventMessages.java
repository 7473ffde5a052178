package orderflow.publish;

import com.rabbitmq.client.AMQP;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.trace.TraceParent;

/** Builds the AMQP message for an event: properties mirror the envelope. */
public record EventMessages(EventCodec codec) {
  public static final String CONTENT_TYPE = "application/json";
  public static final String VERSION_HEADER = "x-event-version";
  public static final int PERSISTENT = 2;

  public OutgoingMessage toMessage(EventEnvelope event, String exchange) {
    return new OutgoingMessage(
        exchange, event.routingKey(), properties(event), codec.encode(event));
  }

  public static AMQP.BasicProperties properties(EventEnvelope event) {
    return properties(event, TraceParent.NONE);
  }

  public static AMQP.BasicProperties properties(EventEnvelope event, TraceParent trace) {
    return properties(
        event.eventId().toString(),
        event.eventType().wireName(),
        event.timestamp().toEpochMilli(),
        event.metadata().correlationId(),
        event.metadata().source(),
        event.metadata().version(),
        trace);
  }

  /** From the parts the outbox keeps, so a stored event is never decoded; nulls left out. */
  public static AMQP.BasicProperties properties(
      String eventId,
      String type,
      Long timestampMillis,
      String correlationId,
      String source,
      String version,
      TraceParent trace) {
    Map<String, Object> headers = new HashMap<>();
    if (version != null) {
      headers.put(VERSION_HEADER, version);
    }
    trace.putInto(headers);
    return new AMQP.BasicProperties.Builder()
        .contentType(CONTENT_TYPE)
        .contentEncoding("utf-8")
        .deliveryMode(PERSISTENT)
        .messageId(eventId)
        .type(type)
        .timestamp(timestampMillis == null ? null : new Date(timestampMillis))
        .correlationId(correlationId)
        .appId(source)
        .headers(headers)
        .build();
  }
}
