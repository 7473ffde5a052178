package orderflow.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The streaming encoder writes exactly what a tree of the envelope (the former encoder) wrote. */
class EventCodecEncodingTest {
  private final EventCodec codec = new EventCodec();

  private static String treeEncoding(EventEnvelope event) throws Exception {
    ObjectMapper mapper = EventCodec.mapper();
    ObjectNode root = mapper.createObjectNode();
    root.put("eventId", event.eventId().toString());
    root.put("eventType", event.eventType().wireName());
    root.put("timestamp", event.timestamp().toString());
    root.set("payload", mapper.valueToTree(event.payload()));
    ObjectNode metadata = root.putObject("metadata");
    metadata.put("source", event.metadata().source());
    metadata.put("version", event.metadata().version());
    metadata.put("correlationId", event.metadata().correlationId());
    metadata.put("causationId", event.metadata().causationId());
    return mapper.writeValueAsString(root);
  }

  private void assertSameAsTree(EventEnvelope event) throws Exception {
    assertEquals(treeEncoding(event), new String(codec.encode(event), StandardCharsets.UTF_8));
  }

  @Test
  void everyEventTypeEncodesByteForByteAsTheTreeEncoding() throws Exception {
    OrderCreated order =
        OrderCreated.of(
            "o-1",
            "customer \"7\" \u00e9\u4e2d",
            Arrays.asList(
                new OrderItem("sku-1", 2, new BigDecimal("19.99")),
                new OrderItem("sku-2", 3, new BigDecimal("10.00")),
                new OrderItem("sku-3", 1, new BigDecimal("0")),
                new OrderItem("legacy", 4, null)));
    EventEnvelope created = EventEnvelope.first(order, "producer");
    assertSameAsTree(created);
    assertSameAsTree(
        EventEnvelope.causedBy(
            created,
            new InventoryReserved("o-1", "res-1", List.of(new ReservedItem("sku-1", 2))),
            "consumer-inventory"));
    assertSameAsTree(
        EventEnvelope.causedBy(
            created,
            new InventoryRejected("o-1", List.of(new Shortage("sku-2", 3, 0))),
            "consumer-inventory"));
    assertSameAsTree(
        EventEnvelope.causedBy(
            created, new OrderShipped("o-1", "s-1", "DHL", "TRK-1"), "consumer-shipping"));
  }
}
