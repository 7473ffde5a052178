package orderflow.contract;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventType;

/**
 * Where the JSON Schemas (draft-07) of the events live: one per event type and version, the
 * envelope's of its own, and one that accepts any message a consumer decodes. They mirror {@link
 * orderflow.envelope.EventLimits} and {@link EventCodec}; {@code EventSchemasTest} checks that they
 * agree, and {@code ValidatorsAgreeTest} that Java, JavaScript and Python validators read them
 * alike.
 *
 * <p>Their {@code $id}s start with {@link #ID_BASE}, a name that is never fetched: a validator maps
 * it to {@link #RESOURCE_FOLDER} on the classpath, or to the folder of the files.
 *
 * <p>This class is thread-safe: constants and stateless reads.
 */
public final class EventSchemas {
  /** Where the schemas are on the classpath. */
  public static final String RESOURCE_FOLDER = "orderflow/schemas/";

  /** The common beginning of every schema's {@code $id}. */
  public static final String ID_BASE = "https://schemas.orderflow.example/events/";

  /** The envelope of every event of version 2 or 3. */
  public static final EventSchema ENVELOPE =
      new EventSchema("EventEnvelope", "envelope.schema.json");

  /** Seed 000's {@code {"type","data"}} OrderCreated, read on the legacy queue. */
  public static final EventSchema ORDER_CREATED_V1 =
      new EventSchema("OrderCreatedV1", "OrderCreated.v1.schema.json");

  /** {@code OrderCreated} as written before version 3 added the shipping address; still read. */
  public static final EventSchema ORDER_CREATED_V2 =
      new EventSchema("OrderCreatedV2", "OrderCreated.v2.schema.json");

  /** Any message a consumer decodes: one of the event schemas. */
  public static final EventSchema ANY_EVENT = new EventSchema("AnyEvent", "event.schema.json");

  private EventSchemas() {}

  /** The schema of {@code type} in the version this code writes. */
  public static EventSchema of(EventType type) {
    String name = type.wireName();
    return new EventSchema(
        name + "V" + type.version(), name + ".v" + type.version() + ".schema.json");
  }

  /**
   * Every schema: the envelope, then each event type's (older versions of a type before its current
   * one), then any.
   */
  public static List<EventSchema> all() {
    List<EventSchema> schemas =
        new ArrayList<>(List.of(ENVELOPE, ORDER_CREATED_V1, ORDER_CREATED_V2));
    for (EventType type : EventType.values()) {
      schemas.add(of(type));
    }
    schemas.add(ANY_EVENT);
    return List.copyOf(schemas);
  }

  /** Reads a schema from the classpath. */
  public static JsonNode read(EventSchema schema) {
    try (InputStream in =
        EventSchemas.class.getClassLoader().getResourceAsStream(schema.resourcePath())) {
      if (in == null) {
        throw new IllegalStateException("schema resource missing: " + schema.resourcePath());
      }
      return EventCodec.mapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + schema.resourcePath(), e);
    }
  }
}
