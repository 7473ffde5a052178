package orderflow.producer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.Delivery;
import orderflow.config.LogSafe;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.InvalidEventException;

/**
 * How {@code producer watch} and {@code producer events} print one event: a text line or a JSON
 * object on one line. Anything taken from a message is escaped (text with {@link LogSafe}, JSON as
 * ASCII), so a message cannot forge a line or send escape sequences to the watcher's terminal.
 */
final class EventLines {
  // Escapes every non-ASCII character too, which covers C1 controls the JSON default leaves raw.
  private static final ObjectWriter ASCII_JSON =
      EventCodec.mapper().writer().with(JsonWriteFeature.ESCAPE_NON_ASCII);

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
        + LogSafe.escape(event.payload().orderId())
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

  /** A stream's event: its offset first, then what it is, with no hop (it may be days old). */
  static String stream(long offset, EventEnvelope event, boolean json) {
    if (!json) {
      return "offset="
          + offset
          + " "
          + event.timestamp()
          + " "
          + event.eventType().wireName()
          + " order="
          + LogSafe.escape(event.payload().orderId())
          + " event="
          + event.eventId()
          + " causation="
          + LogSafe.escape(String.valueOf(event.metadata().causationId()));
    }
    ObjectNode line = EventCodec.mapper().createObjectNode();
    line.put("offset", offset);
    line.put("time", event.timestamp().toString());
    line.put("eventType", event.eventType().wireName());
    line.put("orderId", event.payload().orderId());
    line.put("eventId", event.eventId().toString());
    line.put("correlationId", event.metadata().correlationId());
    line.put("causationId", event.metadata().causationId());
    line.set("payload", EventCodec.mapper().valueToTree(event.payload()));
    return write(line);
  }

  /** A stream message that is not a valid event, with its offset. */
  static String invalidInStream(
      long offset, Delivery delivery, InvalidEventException e, boolean json) {
    if (!json) {
      return "offset=" + offset + " " + invalid(delivery, e, false);
    }
    ObjectNode line = EventCodec.mapper().createObjectNode();
    line.put("offset", offset);
    line.put("invalid", true);
    line.put("messageId", delivery.getProperties().getMessageId());
    line.put("field", e.field());
    line.put("reason", e.reason());
    return write(line);
  }

  static String invalid(Delivery delivery, InvalidEventException e, boolean json) {
    String messageId = delivery.getProperties().getMessageId();
    if (!json) {
      return "INVALID message_id=" + LogSafe.escape(messageId) + " " + e.getMessage();
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
      return ASCII_JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON line", e);
    }
  }
}
