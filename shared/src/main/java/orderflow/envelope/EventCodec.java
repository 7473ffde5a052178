package orderflow.envelope;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import orderflow.config.LogSafe;

/**
 * Encodes envelopes to UTF-8 JSON and decodes bytes into validated envelopes of the current
 * version, upcasting version 1 messages and version 2 {@code OrderCreated}. Thread-safe.
 */
public final class EventCodec {
  public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
  private static final int QUOTED_CHARS = 64;

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          // 10.00 stays 10.00 through JSON trees, never 1E+1.
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();

  private final int maxBodyBytes;

  public EventCodec() {
    this(DEFAULT_MAX_BODY_BYTES);
  }

  public EventCodec(int maxBodyBytes) {
    if (maxBodyBytes <= 0) {
      throw new IllegalArgumentException("maxBodyBytes must be positive");
    }
    this.maxBodyBytes = maxBodyBytes;
  }

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public byte[] encode(EventEnvelope event) {
    try {
      return MAPPER.writeValueAsBytes(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + event.eventId(), e);
    }
  }

  public EventEnvelope decode(byte[] body) {
    if (body == null || body.length == 0) {
      throw new InvalidEventException("body", "is empty");
    }
    if (body.length > maxBodyBytes) {
      throw new InvalidEventException(
          "body", "is " + body.length + " bytes, over the limit of " + maxBodyBytes);
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (IOException | NumberFormatException e) { // NumberFormatException: 1e9999999999
      throw new InvalidEventException("body", "malformed JSON: " + firstLine(e.getMessage()), e);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidEventException("body", "must be a JSON object");
    }
    if (!root.has("eventType") && root.has("type") && root.has("data")) {
      return upcastVersion1(root);
    }
    return decodeCurrent(root);
  }

  private EventEnvelope decodeCurrent(JsonNode root) {
    UUID eventId = parsed(root, "eventId", UUID::fromString, "a UUID");
    String typeName = text(root, "eventType");
    EventType type = EventType.fromWireName(typeName).orElse(null);
    if (type == null) {
      throw new InvalidEventException("eventType", "unknown event type '" + quoted(typeName) + "'");
    }
    Instant timestamp = parsed(root, "timestamp", Instant::parse, "an ISO-8601 instant");
    JsonNode metadataNode = object(root, "metadata");
    String version = text(metadataNode, "metadata.version");
    if (!type.reads(version)) {
      throw new InvalidEventException(
          "metadata.version", "unsupported version '" + quoted(version) + "' for " + typeName);
    }
    JsonNode causation = metadataNode.get("causationId");
    EventMetadata metadata;
    try {
      metadata =
          new EventMetadata(
              text(metadataNode, "metadata.source"),
              type.version(),
              text(metadataNode, "metadata.correlationId"),
              causation == null || causation.isNull() ? null : causation.asText());
    } catch (IllegalArgumentException e) {
      throw new InvalidEventException("metadata", e.getMessage(), e);
    }
    JsonNode payloadNode = object(root, "payload");
    if (!type.version().equals(version) && payloadNode.has("shippingAddress")) {
      // Version 2 of OrderCreated is version 3 without an address; one it carried meant nothing.
      payloadNode = ((ObjectNode) payloadNode).deepCopy().without("shippingAddress");
    }
    EventPayload payload = payload(payloadNode, type);
    return new EventEnvelope(eventId, type, timestamp, payload, metadata);
  }

  private static EventPayload payload(JsonNode node, EventType type) {
    try {
      return MAPPER.treeToValue(node, type.payloadType());
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new InvalidEventException(path(e), cause.getMessage(), e);
    } catch (JsonMappingException e) {
      throw new InvalidEventException(path(e), firstLine(e.getOriginalMessage()), e);
    } catch (JsonProcessingException e) {
      throw new InvalidEventException("payload", firstLine(e.getOriginalMessage()), e);
    }
  }

  private static String path(JsonMappingException e) {
    return "payload"
        + e.getPath().stream()
            .map(ref -> ref.getIndex() >= 0 ? "[" + ref.getIndex() + "]" : "." + ref.getFieldName())
            .collect(Collectors.joining());
  }

  /** The field {@code path} ends with, in {@code parent}; refused when absent or null. */
  private static JsonNode field(JsonNode parent, String path) {
    JsonNode node = parent.get(path.substring(path.lastIndexOf('.') + 1));
    if (node == null || node.isNull()) {
      throw new InvalidEventException(path, "is missing");
    }
    return node;
  }

  private static String text(JsonNode parent, String path) {
    JsonNode node = field(parent, path);
    if (!node.isTextual() || node.asText().isBlank()) {
      throw new InvalidEventException(path, "must be a non-empty string");
    }
    return node.asText();
  }

  private static JsonNode object(JsonNode parent, String path) {
    JsonNode node = field(parent, path);
    if (!node.isObject()) {
      throw new InvalidEventException(path, "must be a JSON object");
    }
    return node;
  }

  private static <T> T parsed(
      JsonNode parent, String path, Function<String, T> parser, String expected) {
    String value = text(parent, path);
    try {
      return parser.apply(value);
    } catch (IllegalArgumentException | DateTimeParseException e) { // not chained: holds the value
      throw new InvalidEventException(
          path, "must be " + expected + ", was '" + quoted(value) + "'");
    }
  }

  static String quoted(String value) {
    return LogSafe.escape(value, QUOTED_CHARS);
  }

  private static String firstLine(String message) {
    return message == null ? "unreadable" : message.split("\n", 2)[0];
  }

  /** Version 1 ({@code {"type","data"}}): its eventId derives from the order id, for the inbox. */
  private static EventEnvelope upcastVersion1(JsonNode root) {
    String type = text(root, "type");
    if (!EventType.ORDER_CREATED.wireName().equals(type)) {
      throw new InvalidEventException(
          "type",
          "unknown version 1 event type '" + quoted(type) + "' (only OrderCreated is upcast)");
    }
    JsonNode data = object(root, "data");
    String orderId = text(data, "data.order_id");
    String customerId = scalarText(data, "data.user_id");
    String productId = scalarText(data, "data.product_id");
    JsonNode quantity = data.get("quantity");
    if (quantity == null || !quantity.isIntegralNumber() || !quantity.canConvertToInt()) {
      throw new InvalidEventException("data.quantity", "must be an integer");
    }
    OrderCreated payload;
    try {
      payload =
          new OrderCreated(
              orderId,
              customerId,
              List.of(new OrderItem(productId, quantity.intValue(), null)),
              BigDecimal.ZERO,
              null);
    } catch (IllegalArgumentException e) {
      throw new InvalidEventException("data", e.getMessage(), e);
    }
    UUID eventId =
        UUID.nameUUIDFromBytes(("v1:OrderCreated:" + orderId).getBytes(StandardCharsets.UTF_8));
    return new EventEnvelope(
        eventId,
        EventType.ORDER_CREATED,
        Instant.now(),
        payload,
        new EventMetadata(
            "legacy-order-service", EventType.ORDER_CREATED.version(), orderId, null));
  }

  /** The seed sends ids as strings or numbers ({@code user_id: 12345}). */
  private static String scalarText(JsonNode data, String path) {
    JsonNode node = field(data, path);
    if (!(node.isTextual() || node.isIntegralNumber()) || node.asText().isBlank()) {
      throw new InvalidEventException(path, "must be a string or an integer");
    }
    return node.asText();
  }
}
