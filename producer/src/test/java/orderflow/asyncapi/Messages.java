package orderflow.asyncapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import orderflow.contract.EventSchemas;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventType;

/** The message components: one per event type and version, with its payload schema. */
final class Messages {
  static final String ORDER_CREATED_V1 = EventSchemas.ORDER_CREATED_V1.title();
  static final String PREFIX = "#/components/messages/";

  private Messages() {}

  static String name(EventType type) {
    return EventSchemas.of(type).title();
  }

  /** A channel's or operation's {@code messages} map of references. */
  static ObjectNode references(List<String> names) {
    ObjectNode json = EventCodec.mapper().createObjectNode();
    for (String name : names) {
      json.putObject(name).put("$ref", PREFIX + name);
    }
    return json;
  }

  static ObjectNode all() {
    ObjectNode messages = EventCodec.mapper().createObjectNode();
    for (EventType type : EventType.values()) {
      ObjectNode message = messages.putObject(name(type));
      message.put("name", type.wireName());
      message.put("title", type.wireName() + " (version " + type.version() + ")");
      message.put("contentType", "application/json");
      message.putObject("payload").put("$ref", ComponentSchemas.reference(type));
      message.set("headers", versionHeader(type.version()));
      message
          .putObject("correlationId")
          .put("description", "The order's id, for the whole saga (also the AMQP correlation_id).")
          .put("location", "$message.payload#/metadata/correlationId");
      ObjectNode amqp = message.putObject("bindings").putObject("amqp");
      amqp.put("contentEncoding", "utf-8");
      amqp.put("messageType", type.wireName());
      amqp.put("bindingVersion", AmqpChannels.BINDING_VERSION);
    }
    ObjectNode legacy = messages.putObject(ORDER_CREATED_V1);
    legacy.put("name", EventType.ORDER_CREATED.wireName());
    legacy.put("title", "OrderCreated (version 1, seed 000's format)");
    legacy.put("contentType", "application/json");
    legacy.put("summary", "Upcast by consumer-inventory to the current OrderCreated on arrival.");
    legacy
        .putObject("payload")
        .put("$ref", ComponentSchemas.reference(EventSchemas.ORDER_CREATED_V1));
    return messages;
  }

  private static ObjectNode versionHeader(String version) {
    ObjectNode headers = EventCodec.mapper().createObjectNode();
    headers.put("type", "object");
    ObjectNode header = headers.putObject("properties").putObject("x-event-version");
    header.put("type", "string");
    header.put("const", version);
    header.put("description", "The envelope version, as metadata.version.");
    return headers;
  }
}
