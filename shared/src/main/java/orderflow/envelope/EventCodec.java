package orderflow.envelope;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import java.util.stream.Collectors;
import orderflow.config.LogSafe;

/**
 * Encodes envelopes to UTF-8 JSON and decodes bytes into validated envelopes of the current version
 * of their type ({@link EventType#version}). Version 1 messages (the seed's {@code {"type","data"}}
 * format) and version 2 {@code OrderCreated} are upcast on the way in.
 *
 * <p>This class is thread-safe.
 */
public final class EventCodec {
  /** Bodies larger than this are rejected unless a codec is built with another limit. */
  public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;

  /** An order with one line encodes to about 400 bytes. */
  private static final int ENCODE_BUFFER_BYTES = 512;

  /** How much of a bad value an error message quotes. */
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
          // Keep a decimal's scale through JSON trees: 10.00 stays 10.00, never 1E+1.
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();

  // Writes a payload inside the envelope's generator; flushing there would only copy bytes early.
  private static final ObjectWriter PAYLOAD_WRITER =
      MAPPER.writer().without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);

  private final int maxBodyBytes;
  private final LegacyUpcaster upcaster = new LegacyUpcaster();

  public EventCodec() {
    this(DEFAULT_MAX_BODY_BYTES);
  }

  public EventCodec(int maxBodyBytes) {
    if (maxBodyBytes <= 0) {
      throw new IllegalArgumentException("maxBodyBytes must be positive");
    }
    this.maxBodyBytes = maxBodyBytes;
  }

  /** The shared, configured mapper, for code that must write JSON the same way. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /**
   * Writes the envelope as UTF-8 JSON, streaming: the same fields in the same order as a tree of
   * the envelope would give, and decimals with their scale (10.00 stays 10.00).
   */
  public byte[] encode(EventEnvelope event) {
    // Streaming instead of building an ObjectNode tree: encoding is on every publish's path.
    ByteArrayBuilder buffer = new ByteArrayBuilder(ENCODE_BUFFER_BYTES);
    try (JsonGenerator json = MAPPER.createGenerator(buffer)) {
      json.writeStartObject();
      json.writeStringField("eventId", event.eventId().toString());
      json.writeStringField("eventType", event.eventType().wireName());
      json.writeStringField("timestamp", event.timestamp().toString());
      json.writeFieldName("payload");
      PAYLOAD_WRITER.writeValue(json, event.payload());
      EventMetadata metadata = event.metadata();
      json.writeObjectFieldStart("metadata");
      json.writeStringField("source", metadata.source());
      json.writeStringField("version", metadata.version());
      json.writeStringField("correlationId", metadata.correlationId());
      if (metadata.causationId() == null) {
        json.writeNullField("causationId");
      } else {
        json.writeStringField("causationId", metadata.causationId());
      }
      json.writeEndObject();
      json.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode " + event.eventId(), e);
    }
    return buffer.toByteArray();
  }

  /**
   * Decodes and validates a message body.
   *
   * @throws InvalidEventException naming the field and the reason when the body can never be
   *     processed
   */
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
    } catch (IOException | NumberFormatException e) {
      // NumberFormatException: a decimal whose exponent does not fit, e.g. 1e9999999999.
      throw new InvalidEventException("body", "malformed JSON: " + firstLine(e.getMessage()), e);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidEventException("body", "must be a JSON object");
    }
    if (!root.has("eventType") && root.has("type") && root.has("data")) {
      return upcaster.upcast(root);
    }
    return decodeCurrent(root);
  }

  private EventEnvelope decodeCurrent(JsonNode root) {
    UUID eventId = uuid(text(root, "eventId"), "eventId");
    String typeName = text(root, "eventType");
    EventType type =
        EventType.fromWireName(typeName)
            .orElseThrow(
                () ->
                    new InvalidEventException(
                        "eventType", "unknown event type '" + quoted(typeName) + "'"));
    Instant timestamp = instant(text(root, "timestamp"), "timestamp");
    JsonNode metadataNode = object(root, "metadata");
    String version = text(metadataNode, "version", "metadata.version");
    if (!type.reads(version)) {
      throw new InvalidEventException(
          "metadata.version", "unsupported version '" + quoted(version) + "' for " + typeName);
    }
    JsonNode causation = metadataNode.get("causationId");
    EventMetadata metadata;
    try {
      metadata =
          new EventMetadata(
              text(metadataNode, "source", "metadata.source"),
              type.version(),
              text(metadataNode, "correlationId", "metadata.correlationId"),
              causation == null || causation.isNull() ? null : causation.asText());
    } catch (IllegalArgumentException e) {
      throw new InvalidEventException("metadata", e.getMessage(), e);
    }
    JsonNode payloadNode = object(root, "payload");
    if (!type.version().equals(version)) {
      payloadNode = OrderCreatedUpcaster.fromVersion2(payloadNode);
    }
    EventPayload payload = payload(payloadNode, type);
    return new EventEnvelope(eventId, type, timestamp, payload, metadata);
  }

  static EventPayload payload(JsonNode node, EventType type) {
    try {
      return MAPPER.treeToValue(node, type.payloadType());
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new InvalidEventException(path("payload", e), cause.getMessage(), e);
    } catch (JsonMappingException e) {
      throw new InvalidEventException(path("payload", e), firstLine(e.getOriginalMessage()), e);
    } catch (JsonProcessingException e) {
      throw new InvalidEventException("payload", firstLine(e.getOriginalMessage()), e);
    }
  }

  private static String path(String prefix, JsonMappingException e) {
    String suffix =
        e.getPath().stream()
            .map(ref -> ref.getIndex() >= 0 ? "[" + ref.getIndex() + "]" : "." + ref.getFieldName())
            .collect(Collectors.joining());
    return prefix + suffix;
  }

  static String text(JsonNode parent, String name) {
    return text(parent, name, name);
  }

  static String text(JsonNode parent, String name, String path) {
    JsonNode node = parent.get(name);
    if (node == null || node.isNull()) {
      throw new InvalidEventException(path, "is missing");
    }
    if (!node.isTextual() || node.asText().isBlank()) {
      throw new InvalidEventException(path, "must be a non-empty string");
    }
    return node.asText();
  }

  static JsonNode object(JsonNode parent, String name) {
    JsonNode node = parent.get(name);
    if (node == null || node.isNull()) {
      throw new InvalidEventException(name, "is missing");
    }
    if (!node.isObject()) {
      throw new InvalidEventException(name, "must be a JSON object");
    }
    return node;
  }

  private static UUID uuid(String value, String path) {
    try {
      return UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      // Not chained: the cause's message is the raw value, which a stack trace would print whole.
      throw new InvalidEventException(path, "must be a UUID, was '" + quoted(value) + "'");
    }
  }

  private static Instant instant(String value, String path) {
    try {
      return UtcTimestamps.parse(value);
    } catch (DateTimeParseException e) {
      throw new InvalidEventException(
          path, "must be an ISO-8601 instant, was '" + quoted(value) + "'");
    }
  }

  /** A value from the message, as an error message may quote it: escaped and short. */
  static String quoted(String value) {
    return LogSafe.escape(value, QUOTED_CHARS);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
