package orderflow.orderservice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.publish.EventMessages;
import orderflow.publish.OutgoingMessage;
import orderflow.store.OutboxEntry;
import org.junit.jupiter.api.Test;

/** Which deliveries the order service may ack as already applied, without a transaction. */
class OwnEventsTest {
  private static final EventCodec CODEC = new EventCodec();

  @Test
  void anEventCommittedHereIsKnownOnceByItsExactBody() {
    OwnEvents own = new OwnEvents();
    EventEnvelope event = order();
    byte[] body = CODEC.encode(event);
    own.committed(List.of(entry(event, body)));

    assertTrue(own.takeCommitted(event, body.clone()));
    assertFalse(own.takeCommitted(event, body), "a redelivery takes the inbox path");
    assertEquals(0, own.size());
  }

  @Test
  void anEventNeverCommittedHereIsUnknown() {
    OwnEvents own = new OwnEvents();
    own.committed(List.of(entry(order(), CODEC.encode(order()))));

    EventEnvelope other = order();
    assertFalse(own.takeCommitted(other, CODEC.encode(other)));
  }

  @Test
  void theSameEventIdWithOtherBytesIsUnknown() {
    OwnEvents own = new OwnEvents();
    EventEnvelope event = order();
    byte[] body = CODEC.encode(event);
    own.committed(List.of(entry(event, body)));

    byte[] changed = new String(body, StandardCharsets.UTF_8).replace("9.99", "0.01").getBytes();
    assertFalse(own.takeCommitted(event, changed));
    assertFalse(own.takeCommitted(event, body), "forgotten after the mismatch");
  }

  @Test
  void theOldestIsForgottenBeyondTheCapacity() {
    OwnEvents own = new OwnEvents(2);
    EventEnvelope first = order();
    EventEnvelope second = order();
    EventEnvelope third = order();
    for (EventEnvelope event : List.of(first, second, third)) {
      own.committed(List.of(entry(event, CODEC.encode(event))));
    }

    assertEquals(2, own.size());
    assertFalse(own.takeCommitted(first, CODEC.encode(first)));
    assertTrue(own.takeCommitted(second, CODEC.encode(second)));
    assertTrue(own.takeCommitted(third, CODEC.encode(third)));
  }

  private static EventEnvelope order() {
    NewOrder order =
        NewOrder.parse(
            "{\"customerId\":\"c\",\"items\":[{\"productId\":\"p\",\"quantity\":1,\"price\":9.99}]}"
                .getBytes(StandardCharsets.UTF_8));
    try {
      return EventEnvelope.first(
          order.toEvent(java.util.UUID.randomUUID().toString(), NewOrderTest.CIPHER, null),
          OrderPlacement.SOURCE);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static OutboxEntry entry(EventEnvelope event, byte[] body) {
    return new OutboxEntry(
        1, new OutgoingMessage("orders", "order.created", EventMessages.properties(event), body));
  }
}
