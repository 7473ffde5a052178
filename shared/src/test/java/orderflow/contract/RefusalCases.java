package orderflow.contract;

import static orderflow.contract.BadMessage.raw;
import static orderflow.contract.BadMessage.removed;
import static orderflow.contract.BadMessage.replaced;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.InventoryRejected;
import orderflow.envelope.InventoryReserved;
import orderflow.envelope.OrderShipped;
import orderflow.envelope.ReservedItem;
import orderflow.envelope.Shortage;

/**
 * Messages the codec refuses, each with one thing wrong, in three lists: refused by the schema too,
 * refused by the codec only (what JSON Schema cannot see, with the reason), and refused by the
 * schema only (its stricter readings). {@code SchemaRefusalsTest} holds the codec and the Java
 * validator to these lists, {@code ValidatorsAgreeTest} the JavaScript and Python validators.
 */
final class RefusalCases {
  private static final EventCodec CODEC = new EventCodec();

  private static final String SEED_ORDER =
      "{\"type\":\"OrderCreated\",\"data\":{\"order_id\":\"o-1\",\"user_id\":\"u-9\","
          + "\"product_id\":\"sku-3\",\"quantity\":4,\"status\":\"pending\"}}";

  private RefusalCases() {}

  static Stream<BadMessage> refusedByBoth() {
    JsonNode order = BadMessage.encoded(EventEnvelope.first(ContractEvents.ordinaryOrder(), "p"));
    JsonNode reserved = BadMessage.encoded(reserved());
    JsonNode rejected = BadMessage.encoded(rejected());
    JsonNode shipped = BadMessage.encoded(shipped());
    JsonNode seed = BadMessage.encoded(CODEC.decode(SEED_ORDER.getBytes()));
    JsonNode legacy = legacy();
    String longId = "\"" + "x".repeat(129) + "\"";
    JsonNode addressed =
        BadMessage.encoded(EventEnvelope.first(ContractEvents.addressedOrder(), "p"));
    JsonNode erased = BadMessage.encoded(ContractEvents.all().get(ContractEvents.all().size() - 1));
    return Stream.of(
        replaced("a street in clear", addressed, "/payload/shippingAddress/street", "\"Damrak 1\""),
        replaced(
            "an encrypted value one character too long",
            addressed,
            "/payload/shippingAddress/city",
            "\"" + ContractEvents.LONGEST_SEALED + "x\""),
        replaced(
            "an encrypted value of another scheme",
            addressed,
            "/payload/shippingAddress/street",
            "\"" + ContractEvents.SHORTEST_SEALED.replace("enc1", "enc2") + "\""),
        removed("an erasure without customerId", erased, "/payload/customerId"),
        raw("a JSON array", "[]"),
        raw("a JSON string", "\"OrderCreated\""),
        raw("a JSON number", "42"),
        raw("an empty object", "{}"),
        removed("no eventId", order, "/eventId"),
        replaced("eventId not a UUID", order, "/eventId", "\"order-1\""),
        replaced(
            "eventId ending in a newline",
            order,
            "/eventId",
            "\"6f1c1a52-8f5e-4a6e-9a39-0d6c1b1f2a10\\n\""),
        replaced("eventId a number", order, "/eventId", "7"),
        removed("no eventType", order, "/eventType"),
        replaced("unknown eventType", order, "/eventType", "\"OrderDeleted\""),
        replaced("eventType of another payload", order, "/eventType", "\"OrderShipped\""),
        removed("no timestamp", order, "/timestamp"),
        replaced("timestamp not a date", order, "/timestamp", "\"yesterday\""),
        replaced("timestamp in month 13", order, "/timestamp", "\"2026-13-01T10:00:00Z\""),
        replaced(
            "timestamp ending in a newline", order, "/timestamp", "\"2026-11-22T10:00:00Z\\n\""),
        replaced("timestamp without zone", order, "/timestamp", "\"2026-11-22T10:00:00\""),
        replaced("timestamp in epoch millis", order, "/timestamp", "1764000000000"),
        removed("no metadata", order, "/metadata"),
        replaced("metadata a string", order, "/metadata", "\"producer\""),
        replaced("version 1 in a version 3 envelope", order, "/metadata/version", "\"1\""),
        replaced("version 4", order, "/metadata/version", "\"4\""),
        replaced("version a number", order, "/metadata/version", "2"),
        removed("no source", order, "/metadata/source"),
        replaced("blank source", order, "/metadata/source", "\"   \""),
        replaced("correlationId too long", order, "/metadata/correlationId", longId),
        replaced("causationId with an escape", order, "/metadata/causationId", "\"\\u001b[2J\""),
        removed("no payload", order, "/payload"),
        replaced("payload an array", order, "/payload", "[]"),
        removed("no orderId", order, "/payload/orderId"),
        replaced("empty orderId", order, "/payload/orderId", "\"\""),
        replaced("orderId too long", order, "/payload/orderId", longId),
        replaced("orderId with a newline", order, "/payload/orderId", "\"o-1\\nforged\""),
        replaced("orderId ending in a newline", order, "/payload/orderId", "\"o-1\\n\""),
        replaced("orderId with a bidi override", order, "/payload/orderId", "\"o-\\u202e1\""),
        replaced("orderId with a lone surrogate", order, "/payload/orderId", "\"o-\\ud800\""),
        replaced("customerId an object", order, "/payload/customerId", "{}"),
        replaced("no items", order, "/payload/items", "[]"),
        replaced("items an object", order, "/payload/items", "{}"),
        replaced("101 items", order, "/payload/items", hundredAndOneItems()),
        replaced("a null item", order, "/payload/items/0", "null"),
        removed("item without productId", order, "/payload/items/0/productId"),
        replaced("productId starting with '-'", order, "/payload/items/0/productId", "\"-x\""),
        replaced("productId with a space", order, "/payload/items/0/productId", "\"sku 1\""),
        replaced("productId ending in a newline", order, "/payload/items/0/productId", "\"x\\n\""),
        replaced("productId with a ';'", order, "/payload/items/0/productId", "\"sku;1\""),
        replaced("productId too long", order, "/payload/items/0/productId", longId),
        removed("item without quantity", order, "/payload/items/0/quantity"),
        replaced("quantity 0", order, "/payload/items/0/quantity", "0"),
        replaced("quantity -1", order, "/payload/items/0/quantity", "-1"),
        replaced("quantity of ten digits", order, "/payload/items/0/quantity", "1000000000"),
        replaced("quantity 2.5", order, "/payload/items/0/quantity", "2.5"),
        replaced("quantity a string", order, "/payload/items/0/quantity", "\"2\""),
        replaced("quantity null", order, "/payload/items/0/quantity", "null"),
        replaced("negative price", order, "/payload/items/0/price", "-0.01"),
        replaced("price over 10^15", order, "/payload/items/0/price", "1000000000000001"),
        replaced("price a string", order, "/payload/items/0/price", "\"19.99\""),
        removed("no totalAmount", order, "/payload/totalAmount"),
        replaced("totalAmount null", order, "/payload/totalAmount", "null"),
        replaced("negative totalAmount", order, "/payload/totalAmount", "-1"),
        replaced(
            "totalAmount of 10^26", order, "/payload/totalAmount", "100000000000000000000000000"),
        replaced("totalAmount a string", order, "/payload/totalAmount", "\"40.28\""),
        removed("reserved without reservationId", reserved, "/payload/reservationId"),
        replaced("reserved without items", reserved, "/payload/items", "[]"),
        replaced("reserved quantity 0", reserved, "/payload/items/0/quantity", "0"),
        replaced("reserved quantity over 2^31", reserved, "/payload/items/0/quantity", "3e9"),
        removed("rejected without shortages", rejected, "/payload/shortages"),
        replaced("rejected requested 0", rejected, "/payload/shortages/0/requested", "0"),
        replaced("rejected available -1", rejected, "/payload/shortages/0/available", "-1"),
        replaced("shipped blank carrier", shipped, "/payload/carrier", "\" \""),
        removed("shipped without trackingNumber", shipped, "/payload/trackingNumber"),
        replaced("upcast order with version 1", seed, "/metadata/version", "\"1\""),
        replaced("legacy type other than OrderCreated", legacy, "/type", "\"OrderShipped\""),
        replaced("legacy type a number", legacy, "/type", "1"),
        replaced("legacy data a string", legacy, "/data", "\"x\""),
        removed("legacy without order_id", legacy, "/data/order_id"),
        replaced("legacy order_id a number", legacy, "/data/order_id", "1"),
        removed("legacy without user_id", legacy, "/data/user_id"),
        replaced("legacy user_id true", legacy, "/data/user_id", "true"),
        replaced("legacy product_id with a space", legacy, "/data/product_id", "\"sku 3\""),
        replaced("legacy product_id negative", legacy, "/data/product_id", "-3"),
        replaced("legacy quantity 2.5", legacy, "/data/quantity", "2.5"),
        replaced("legacy quantity 0", legacy, "/data/quantity", "0"),
        raw("legacy without data", "{\"type\":\"OrderCreated\"}"));
  }

  /**
   * Refused by the codec, accepted by the schema: what JSON Schema cannot express, or not without a
   * pattern no reader could maintain.
   */
  static Stream<BadMessage> refusedByTheCodecOnly() {
    JsonNode order = BadMessage.encoded(EventEnvelope.first(ContractEvents.ordinaryOrder(), "p"));
    JsonNode legacy = legacy();
    return Stream.of(
        // A validator sees parsed JSON, where the last of two equal keys has already won.
        raw(
            "a duplicate key",
            order.toString().replaceFirst("\\{", "{\"eventType\":\"OrderShipped\",")),
        // The body limit is on bytes, which a schema never sees: unknown properties are allowed.
        replaced("a body over 64 KiB", order, "/padding", "\"" + "x".repeat(65_536) + "\""),
        // JSON Schema compares numbers by value, and most validators as binary floats: 1E+1 is
        // 10, 1.0000000 is 1, and no multipleOf can bound the decimals (49.95 is not a multiple
        // of 0.000001 in binary). The codec reads the text as a decimal and refuses an exponent
        // (negative scale) or more than 6 decimals.
        replaced("price with an exponent", order, "/payload/items/0/price", "1E+1"),
        replaced("price with 7 decimals", order, "/payload/items/0/price", "0.1234567"),
        replaced("price with 7 decimals, all zero", order, "/payload/items/0/price", "1.0000000"),
        // As a binary float, 999999999999999.999999 (a valid price) is 10^15: the schema's bound
        // is inclusive so that every validator accepts every price the codec writes.
        replaced("price of 10^15", order, "/payload/items/0/price", "1000000000000000"),
        // The pattern names only characters of the Basic Multilingual Plane: a character above
        // U+FFFF is written differently in the regular expressions of Java, JavaScript and Python.
        replaced("orderId with a tag character", order, "/payload/orderId", "\"o-\\udb40\\udc41\""),
        // maxLength counts code points, the codec UTF-16 units: 100 emoji are 200 units.
        replaced("orderId of 100 emoji", order, "/payload/orderId", "\"" + "🙂".repeat(100) + "\""),
        // The seed's integer ids are turned into text by the upcaster, then held to the id limit.
        replaced("legacy user_id of 129 digits", legacy, "/data/user_id", "1".repeat(129)));
  }

  /**
   * Accepted by the codec, refused by the schema: the schema is the stricter reading, and the codec
   * never writes either.
   */
  static Stream<BadMessage> refusedByTheSchemaOnly() {
    JsonNode order = BadMessage.encoded(EventEnvelope.first(ContractEvents.ordinaryOrder(), "p"));
    return Stream.of(
        // Jackson turns a JSON number into a String field's text; the contract says a string.
        replaced("customerId a number", order, "/payload/customerId", "7"),
        // String.isBlank does not count a no-break space as blank; the schema counts every space.
        replaced("customerId a no-break space", order, "/payload/customerId", "\"\\u00a0\""));
  }

  private static JsonNode legacy() {
    return SchemaValidator.parse(SEED_ORDER.getBytes(StandardCharsets.UTF_8));
  }

  private static String hundredAndOneItems() {
    StringBuilder items = new StringBuilder("[");
    for (int i = 0; i < 101; i++) {
      items
          .append(i == 0 ? "" : ",")
          .append("{\"productId\":\"p")
          .append(i)
          .append("\",\"quantity\":1,\"price\":1}");
    }
    return items.append(']').toString();
  }

  private static EventEnvelope reserved() {
    return EventEnvelope.first(
        new InventoryReserved("o-1", "r-1", List.of(new ReservedItem("sku-1", 1))), "inventory");
  }

  private static EventEnvelope rejected() {
    return EventEnvelope.first(
        new InventoryRejected("o-1", List.of(new Shortage("sku-1", 2, 1))), "inventory");
  }

  private static EventEnvelope shipped() {
    return EventEnvelope.first(new OrderShipped("o-1", "s-1", "dhl", "t-1"), "shipping");
  }
}
