package orderflow.contract;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventType;

/**
 * What every validator of the contract must agree on: each event the codec writes (every type and
 * version, from the ordinary to the largest) valid against its type's schema, the envelope's and
 * any event's, and refused by every other type's; the seed's version 1 and a version 2 order, and
 * their upcasts; and each message of {@link RefusalCases} as those lists say.
 */
final class ContractCases {
  /** Seed 000's OrderCreated, with the integer user id its own example sends. */
  static final String SEED_ORDER =
      "{\"type\":\"OrderCreated\",\"data\":{\"order_id\":\"o-1\",\"user_id\":12345,"
          + "\"product_id\":\"sku-3\",\"quantity\":4,\"status\":\"pending\"}}";

  /** An OrderCreated as written before version 3. */
  static final String VERSION_2_ORDER =
      "{\"eventId\":\"6f1c1a52-8f5e-4a6e-9a39-0d6c1b1f2a10\",\"eventType\":\"OrderCreated\","
          + "\"timestamp\":\"2026-01-01T10:00:00.000Z\",\"payload\":{\"orderId\":\"o-9\","
          + "\"customerId\":\"c-9\",\"items\":[{\"productId\":\"sku-1\",\"quantity\":1,"
          + "\"price\":2.50}],\"totalAmount\":2.50},\"metadata\":{\"source\":\"producer\","
          + "\"version\":\"2\",\"correlationId\":\"o-9\",\"causationId\":null}}";

  private static final EventCodec CODEC = new EventCodec();

  private ContractCases() {}

  static List<ContractCase> all() {
    List<ContractCase> cases = new ArrayList<>();
    List<EventEnvelope> events = ContractEvents.all();
    for (int i = 0; i < events.size(); i++) {
      EventEnvelope event = events.get(i);
      byte[] body = CODEC.encode(event);
      String name = "event " + i + " (" + event.eventType().wireName() + ")";
      cases.add(ContractCase.valid(name, EventSchemas.of(event.eventType()), body));
      cases.add(ContractCase.valid(name + " as the envelope", EventSchemas.ENVELOPE, body));
      cases.add(ContractCase.valid(name + " as any event", EventSchemas.ANY_EVENT, body));
      for (EventType other : EventType.values()) {
        if (other != event.eventType()) {
          EventSchema schema = EventSchemas.of(other);
          cases.add(ContractCase.refused(name + " as " + schema.title(), schema, body));
        }
      }
    }
    byte[] seed = bytes(SEED_ORDER);
    byte[] seedUpcast = CODEC.encode(CODEC.decode(seed));
    byte[] version2 = bytes(VERSION_2_ORDER);
    byte[] version2Upcast = CODEC.encode(CODEC.decode(version2));
    EventSchema current = EventSchemas.of(EventType.ORDER_CREATED);
    cases.add(ContractCase.valid("seed order", EventSchemas.ORDER_CREATED_V1, seed));
    cases.add(ContractCase.valid("seed order as any event", EventSchemas.ANY_EVENT, seed));
    cases.add(ContractCase.refused("seed order as " + current.title(), current, seed));
    cases.add(ContractCase.valid("seed order upcast", current, seedUpcast));
    cases.add(ContractCase.valid("version 2 order", EventSchemas.ORDER_CREATED_V2, version2));
    cases.add(ContractCase.valid("version 2 order as any event", EventSchemas.ANY_EVENT, version2));
    cases.add(ContractCase.refused("version 2 order as " + current.title(), current, version2));
    cases.add(ContractCase.valid("version 2 order upcast", current, version2Upcast));
    cases.add(
        ContractCase.refused(
            "version 2 order upcast as version 2", EventSchemas.ORDER_CREATED_V2, version2Upcast));
    refusals(cases, "refused by both: ", RefusalCases.refusedByBoth(), false);
    refusals(cases, "refused by the codec only: ", RefusalCases.refusedByTheCodecOnly(), true);
    refusals(cases, "refused by the schema only: ", RefusalCases.refusedByTheSchemaOnly(), false);
    return List.copyOf(cases);
  }

  private static void refusals(
      List<ContractCase> cases, String prefix, Stream<BadMessage> messages, boolean valid) {
    messages.forEach(
        m ->
            cases.add(
                new ContractCase(prefix + m.name(), EventSchemas.ANY_EVENT.id(), m.body(), valid)));
  }

  private static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
