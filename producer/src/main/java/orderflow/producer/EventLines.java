package orderflow.producer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.Delivery;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.InvalidEventException;

/** How {@code producer watch} prints one event: a text line or a JSON object on one line. */
final class EventLines {
  private EventLines() {}

  /** Milliseconds from the event's creation to now: how long its hop through the broker took. */
  static long hopMillis(EventEnvelope event, long nowMillis) {
    return nowMillis - event.timestamp().toEpochMilli();
  }

  static String text(EventEnvelope event, long nowMillis) {
    return event.timestamp()
        + " "
        + event.eventType().wireName()
        + " order="
        + event.payload().orderId()
        + " event="
        + event.eventId()
        + " hop="
        + hopMillis(event, nowMillis)
        + "ms";
  }

  static String json(EventEnvelope event, long nowMillis) {
    ObjectNode line = EventCodec.mapper().createObjectNode();
    line.put("time", event.timestamp().toString());
    line.put("eventType", event.eventType().wireName());
    line.put("orderId", event.payload().orderId());
    line.put("eventId", event.eventId().toString());
    line.put("correlationId", event.metadata().correlationId());
    line.put("causationId", event.metadata().causationId());
    line.put("hopMs", hopMillis(event, nowMillis));
    line.set("payload", EventCodec.mapper().valueToTree(event.payload()));
    return write(line);
  }

  static String invalid(Delivery delivery, InvalidEventException e, boolean json) {
    String messageId = delivery.getProperties().getMessageId();
    if (!json) {
      return "INVALID message_id=" + messageId + " " + e.getMessage();
    }
    ObjectNode line = EventCodec.mapper().createObjectNode();
    line.put("invalid", true);
    line.put("messageId", messageId);
    line.put("field", e.field());
    line.put("reason", e.reason());
    return write(line);
  }

  private static String write(ObjectNode node) {
    try {
      return EventCodec.mapper().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON line", e);
    }
  }
}
