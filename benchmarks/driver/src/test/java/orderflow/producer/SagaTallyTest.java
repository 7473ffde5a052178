package orderflow.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import orderflow.envelope.CancellationRefused;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventPayload;
import orderflow.envelope.InventoryRejected;
import orderflow.envelope.InventoryReleased;
import orderflow.envelope.InventoryReserved;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.OrderItem;
import orderflow.envelope.OrderShipped;
import orderflow.envelope.ReservedItem;
import orderflow.envelope.ShipmentCancelled;
import orderflow.envelope.ShipmentFailed;
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
  void anOrderCreatedBeforeTheWindowCountsInTheRateButNotInTheLatency()
      throws InterruptedException {
    EventEnvelope warmUp = order();
    Instant windowStart = warmUp.timestamp().plusMillis(1);
    tally.measureFrom(windowStart);
    tally.published(warmUp);
    Thread.sleep(5); // the next order is created after the window's start
    EventEnvelope measured = order();
    tally.published(measured);

    tally.seen(caused(warmUp, shipped(warmUp)), windowStart.plusMillis(900));
    tally.seen(caused(measured, shipped(measured)), measured.timestamp().plusMillis(40));

    assertEquals(2, tally.shipped());
    assertEquals(40, tally.latencyMillis(99), 1); // the warm-up order's 900 ms is left out
    Instant last = windowStart.plusMillis(900); // the later of the two shipments
    double seconds = Duration.between(windowStart, last).toNanos() / 1e9;
    assertEquals(2 / seconds, tally.shippedPerSecond(), 1e-6);
  }

  @Test
  void aShipmentSeenBeforeTheWindowIsLeftOutOfTheRate() {
    EventEnvelope early = order();
    EventEnvelope late = order();
    tally.published(early);
    tally.published(late);
    Instant windowStart = early.timestamp().plusSeconds(1);
    tally.measureFrom(windowStart);

    tally.seen(caused(early, shipped(early)), windowStart.minusMillis(1));
    tally.seen(caused(late, shipped(late)), windowStart.plusMillis(500));

    assertEquals(2, tally.shipped());
    assertEquals(1 / 0.5, tally.shippedPerSecond(), 1e-9);
    assertEquals(0, tally.latencyMillis(50)); // both were created before the window
  }

  @Test
  void noRateWithoutAWindowOrAShipment() {
    EventEnvelope order = order();
    tally.published(order);
    tally.seen(caused(order, shipped(order)), order.timestamp().plusMillis(5));
    assertEquals(0, tally.shippedPerSecond());

    SagaTally started = new SagaTally();
    started.measureFrom(Instant.now());
    assertEquals(0, started.shippedPerSecond());
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

  @Test
  void aCancelledOrderThatHeldStockIsSettledOnlyOnceItsReservationIsReleased() {
    EventEnvelope order = order();
    tally.published(order);
    tally.cancellationAsked(id(order));

    tally.seen(caused(order, reserved(order)), order.timestamp());
    tally.seen(caused(order, new ShipmentCancelled(id(order), "asked")), order.timestamp());

    assertEquals(1, tally.cancelled());
    assertEquals(1, tally.finished());
    assertEquals(0, tally.settled());

    tally.seen(caused(order, released(order)), order.timestamp());

    assertEquals(1, tally.settled());
    assertEquals(1, tally.released());
    assertEquals(0, tally.conflicting());
    assertEquals(0, tally.shipped());
  }

  @Test
  void aCancellationThatOvertookTheOrderSettlesItWithoutARelease() {
    EventEnvelope order = order();
    tally.published(order);
    tally.cancellationAsked(id(order));

    tally.seen(caused(order, new ShipmentCancelled(id(order), "asked")), order.timestamp());

    assertEquals(1, tally.cancelled());
    assertEquals(1, tally.settled());
  }

  @Test
  void aShippedOrderWithACancellationIsSettledWhenTheRefusalArrivesAndStaysShipped() {
    EventEnvelope order = order();
    tally.published(order);
    tally.seen(caused(order, reserved(order)), order.timestamp());
    tally.seen(caused(order, shipped(order)), order.timestamp());
    tally.cancellationAsked(id(order));

    assertEquals(0, tally.settled());

    tally.seen(caused(order, new CancellationRefused(id(order), "shipped")), order.timestamp());

    assertEquals(1, tally.settled());
    assertEquals(1, tally.shipped());
    assertEquals(1, tally.refused());
    assertEquals(0, tally.cancelled());
  }

  @Test
  void aFailedShipmentEndsFailedAndSettlesWithItsRelease() {
    EventEnvelope order = order();
    tally.published(order);
    tally.seen(caused(order, reserved(order)), order.timestamp());
    tally.seen(caused(order, new ShipmentFailed(id(order), "no carrier")), order.timestamp());

    assertEquals(1, tally.failed());
    assertEquals(0, tally.settled());

    tally.seen(caused(order, released(order)), order.timestamp());

    assertEquals(1, tally.settled());
  }

  @Test
  void aRejectionOutranksTheCancellationOfAnOrderShippingNeverReceived() {
    EventEnvelope order = order();
    tally.published(order);
    tally.cancellationAsked(id(order));
    tally.seen(caused(order, new ShipmentCancelled(id(order), "asked")), order.timestamp());
    tally.seen(
        caused(order, new InventoryRejected(id(order), List.of(new Shortage("sku-1", 2, 1)))),
        order.timestamp());

    assertEquals(1, tally.rejected());
    assertEquals(0, tally.cancelled());
    assertEquals(1, tally.finished());
    assertEquals(1, tally.settled());
  }

  @Test
  void countsAnOrderBothShippedAndCancelledOrShippedAndReleasedAsConflicting() {
    EventEnvelope twoEnds = order();
    EventEnvelope shippedReleased = order();
    tally.published(twoEnds);
    tally.published(shippedReleased);

    tally.seen(caused(twoEnds, shipped(twoEnds)), twoEnds.timestamp());
    tally.seen(caused(twoEnds, new ShipmentCancelled(id(twoEnds), "x")), twoEnds.timestamp());
    tally.seen(caused(shippedReleased, shipped(shippedReleased)), shippedReleased.timestamp());
    tally.seen(caused(shippedReleased, released(shippedReleased)), shippedReleased.timestamp());

    assertEquals(2, tally.conflicting());
  }

  @Test
  void ignoresCancellationsOfOrdersItDidNotPublish() {
    tally.cancellationAsked(UUID.randomUUID().toString());

    assertEquals(0, tally.cancellationsAsked());
  }

  private static String id(EventEnvelope order) {
    return order.payload().orderId();
  }

  private static InventoryReleased released(EventEnvelope order) {
    return new InventoryReleased(
        id(order), "r-" + order.eventId(), List.of(new ReservedItem("sku-1", 2)), "cancelled");
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
