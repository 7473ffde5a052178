package orderflow.producer;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.rabbitmq.client.Delivery;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.stream.Collectors;
import orderflow.config.LogSafe;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventPayload;
import orderflow.envelope.EventType;
import orderflow.envelope.InvalidEventException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The lines {@code watch} and {@code events} print, and their options. Message text is escaped
 * (LogSafe, JSON as ASCII), so a message cannot forge a line or reach the terminal raw.
 */
final class EventLines {
  // Non-ASCII escaped too: C1 controls the JSON default leaves raw.
  private static final ObjectWriter ASCII_JSON =
      EventCodec.mapper().writer().with(JsonWriteFeature.ESCAPE_NON_ASCII);

  @Option(names = "--order", paramLabel = "ID", description = "Only events of this order")
  String orderId;

  @Option(
      names = "--type",
      paramLabel = "T",
      converter = TypeConverter.class,
      description = "Only events of this type (OrderCreated, InventoryReserved, ...)")
  EventType type;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "Stop after printing N events (default: no limit)")
  long limit;

  @Option(names = "--json", description = "Print one JSON object per line")
  boolean json;

  private final EventCodec codec = new EventCodec();
  private long printed;

  /** One event; {@code offset} only from the stream, {@code hopMs} only live. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record EventLine(
      Long offset,
      String time,
      String eventType,
      String orderId,
      String eventId,
      @JsonInclude(JsonInclude.Include.ALWAYS) String correlationId,
      @JsonInclude(JsonInclude.Include.ALWAYS) String causationId,
      Long hopMs,
      EventPayload payload) {}

  record InvalidLine(
      @JsonInclude(JsonInclude.Include.NON_NULL) Long offset,
      boolean invalid,
      String messageId,
      String field,
      String reason) {}

  /** Prints the message if selected ({@code offset} null: live); true once at --limit. */
  boolean print(PrintWriter out, Long offset, Delivery delivery) {
    EventEnvelope event;
    try {
      event = codec.decode(delivery.getBody());
    } catch (InvalidEventException e) {
      if (orderId == null && type == null) {
        out.println(invalid(offset, delivery, e, json));
      }
      return false;
    }
    if (orderId != null
            && !orderId.equals(event.payload().orderId())
            && !orderId.equals(event.metadata().correlationId())
        || type != null && type != event.eventType()) {
      return false;
    }
    String causation = event.metadata().causationId();
    Long hopMs =
        offset == null ? System.currentTimeMillis() - event.timestamp().toEpochMilli() : null;
    if (json) {
      out.println(
          write(
              new EventLine(
                  offset,
                  event.timestamp().toString(),
                  event.eventType().wireName(),
                  event.payload().orderId(),
                  event.eventId().toString(),
                  event.metadata().correlationId(),
                  causation,
                  hopMs,
                  event.payload())));
    } else {
      out.printf(
          "%s%s %s order=%s event=%s %s%n",
          at(offset),
          event.timestamp(),
          event.eventType().wireName(),
          LogSafe.escape(event.payload().orderId()),
          event.eventId(),
          hopMs != null
              ? "hop=" + hopMs + "ms"
              : "causation=" + LogSafe.escape(String.valueOf(causation)));
    }
    return limit > 0 && ++printed >= limit;
  }

  private static String at(Long offset) {
    return offset == null ? "" : "offset=" + offset + " ";
  }

  static String invalid(Long offset, Delivery delivery, InvalidEventException e, boolean json) {
    String messageId = delivery.getProperties().getMessageId();
    if (json) {
      return write(new InvalidLine(offset, true, messageId, e.field(), e.reason()));
    }
    return at(offset) + "INVALID message_id=" + LogSafe.escape(messageId) + " " + e.getMessage();
  }

  private static String write(Object line) {
    try {
      return ASCII_JSON.writeValueAsString(line);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON line", e);
    }
  }

  static final class TypeConverter implements ITypeConverter<EventType> {
    @Override
    public EventType convert(String value) {
      return EventType.fromWireName(value)
          .orElseThrow(
              () ->
                  new TypeConversionException(
                      "unknown type '"
                          + value
                          + "'; one of "
                          + Arrays.stream(EventType.values())
                              .map(EventType::wireName)
                              .collect(Collectors.joining(", "))));
    }
  }
}
