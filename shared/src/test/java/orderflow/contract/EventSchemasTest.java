package orderflow.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventType;
import org.junit.jupiter.api.Test;

class EventSchemasTest {
  private final EventCodec codec = new EventCodec();
  private final SchemaValidator validator = new SchemaValidator();

  @Test
  void everyEventTheCodecWritesValidatesAgainstItsTypeTheEnvelopeAndAnyEvent() {
    for (EventEnvelope event : ContractEvents.all()) {
      byte[] body = codec.encode(event);
      String text = new String(body, StandardCharsets.UTF_8);
      for (EventSchema schema :
          List.of(
              EventSchemas.of(event.eventType()), EventSchemas.ENVELOPE, EventSchemas.ANY_EVENT)) {
        assertEquals(List.of(), validator.errors(schema, body), schema.title() + " of " + text);
      }
    }
  }

  @Test
  void anEventIsRefusedByTheSchemaOfAnotherType() {
    for (EventEnvelope event : ContractEvents.all()) {
      for (EventType other : EventType.values()) {
        if (other != event.eventType()) {
          assertFalse(
              validator.errors(EventSchemas.of(other), codec.encode(event)).isEmpty(),
              event.eventType() + " validated as " + other);
        }
      }
    }
  }

  @Test
  void theSeedsVersionOneOrderValidatesAsVersionOneAndItsUpcastAsVersionTwo() {
    byte[] seed = ContractCases.SEED_ORDER.getBytes(StandardCharsets.UTF_8);
    assertEquals(List.of(), validator.errors(EventSchemas.ORDER_CREATED_V1, seed));
    assertEquals(List.of(), validator.errors(EventSchemas.ANY_EVENT, seed));
    assertFalse(validator.errors(EventSchemas.of(EventType.ORDER_CREATED), seed).isEmpty());

    byte[] upcast = codec.encode(codec.decode(seed));

    assertEquals(List.of(), validator.errors(EventSchemas.of(EventType.ORDER_CREATED), upcast));
    assertTrue(
        new String(upcast, StandardCharsets.UTF_8).contains("\"price\":null"),
        "the upcast keeps the price the seed never had as null");
  }

  @Test
  void aVersionTwoOrderValidatesAsVersionTwoOnlyAndItsUpcastAsVersionThree() {
    byte[] version2 = ContractCases.VERSION_2_ORDER.getBytes(StandardCharsets.UTF_8);
    assertEquals(List.of(), validator.errors(EventSchemas.ORDER_CREATED_V2, version2));
    assertEquals(List.of(), validator.errors(EventSchemas.ANY_EVENT, version2));
    assertFalse(validator.errors(EventSchemas.of(EventType.ORDER_CREATED), version2).isEmpty());

    byte[] upcast = codec.encode(codec.decode(version2));

    assertEquals(List.of(), validator.errors(EventSchemas.of(EventType.ORDER_CREATED), upcast));
    assertFalse(validator.errors(EventSchemas.ORDER_CREATED_V2, upcast).isEmpty());
  }

  @Test
  void everySchemaNamesItsIdAndTheDraftItIsWrittenIn() {
    for (EventSchema schema : EventSchemas.all()) {
      JsonNode json = EventSchemas.read(schema);
      assertEquals(schema.id(), json.path("$id").asText(), schema.fileName());
      assertEquals(
          "http://json-schema.org/draft-07/schema#", json.path("$schema").asText(), schema.title());
    }
  }
}
