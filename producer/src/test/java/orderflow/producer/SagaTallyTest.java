package orderflow.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventPayload;
import orderflow.envelope.InventoryRejected;
import orderflow.envelope.InventoryReserved;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.OrderItem;
import orderflow.envelope.OrderShipped;
import orderflow.envelope.ReservedItem;
import orderflow.envelope.Shortage;
import org.junit.jupiter.api.Test;

class SagaTallyTest {
  private final SagaTally tally = new SagaTally();

  @Test
  void followsAnOrderToShippedAndMeasuresItsLatencyFromCreation() {
    EventEnvelope order = order();
    tally.published(order);

    tally.seen(caused(order, reserved(order)), order.timestamp().plusMillis(100));
    tally.seen(caused(order, shipped(order)), order.timestamp().plusMillis(250));

    assertEquals(1, tally.created());
    assertEquals(1, tally.reserved());
    assertEquals(1, tally.shipped());
    assertEquals(0, tally.rejected());
    assertEquals(1, tally.finished());
    assertEquals(250, tally.latencyMillis(50), 5);
  }

  @Test
  void aRejectedOrderIsFinishedWithoutLatency() {
    EventEnvelope order = order();
    tally.published(order);

    tally.seen(
        caused(
            order,
            new InventoryRejected(order.payload().orderId(), List.of(new Shortage("sku-1", 2, 1)))),
        order.timestamp().plusMillis(50));

    assertEquals(1, tally.rejected());
    assertEquals(1, tally.finished());
    assertEquals(0, tally.shipped());
  }

  @Test
  void countsARepeatedEventOnceAndAsADuplicate() {
    EventEnvelope order = order();
    tally.published(order);
    EventEnvelope shipped = caused(order, shipped(order));

    tally.seen(shipped, order.timestamp().plusMillis(10));
    tally.seen(shipped, order.timestamp().plusMillis(20));

    assertEquals(1, tally.shipped());
    assertEquals(1, tally.duplicates());
    assertEquals(1, tally.finished());
  }

  @Test
  void ignoresEventsOfOrdersItDidNotPublish() {
    EventEnvelope mine = order();
    EventEnvelope other = order();
    tally.published(mine);

    tally.seen(caused(other, shipped(other)), other.timestamp().plusMillis(10));
    tally.seen(other, other.timestamp());

    assertEquals(1, tally.created());
    assertEquals(0, tally.shipped());
    assertEquals(0, tally.finished());
    assertEquals(0, tally.duplicates());
  }

  @Test
  void anOrderCreatedSeenAgainChangesNothing() {
    EventEnvelope order = order();
    tally.published(order);

    tally.seen(order, order.timestamp().plus(Duration.ofSeconds(1)));

    assertEquals(1, tally.created());
    assertEquals(0, tally.finished());
    assertEquals(0, tally.duplicates());
    assertTrue(tally.latencyMillis(50) >= 0);
  }

  private static EventEnvelope order() {
    return EventEnvelope.first(
        OrderCreated.of(
            UUID.randomUUID().toString(),
            "saga",
            List.of(new OrderItem("sku-1", 2, new BigDecimal("9.99")))),
        OrderCommand.SOURCE);
  }

  private static InventoryReserved reserved(EventEnvelope order) {
    return new InventoryReserved(
        order.payload().orderId(), "r-" + order.eventId(), List.of(new ReservedItem("sku-1", 2)));
  }

  private static OrderShipped shipped(EventEnvelope order) {
    return new OrderShipped(order.payload().orderId(), "s-1", "DHL", "DHL0123456789abcdef");
  }

  private static EventEnvelope caused(EventEnvelope cause, EventPayload payload) {
    return EventEnvelope.causedBy(cause, payload, "test");
  }
}
