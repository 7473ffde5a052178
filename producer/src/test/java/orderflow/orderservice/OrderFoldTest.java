package orderflow.orderservice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import orderflow.envelope.EventEnvelope;
import org.junit.jupiter.api.Test;

class OrderFoldTest {
  private final SagaEvents saga = new SagaEvents("alice");

  @Test
  void aShippedSagaFoldsToShippedWithEveryStepAndItsTime() {
    OrderState state = OrderFold.fold(saga.orderId(), saga.shippedSaga());

    assertEquals(OrderStatus.SHIPPED, state.status());
    assertEquals("alice", state.customerId());
    assertEquals(new BigDecimal("19.98"), state.totalAmount());
    assertEquals(1, state.items().size());
    assertEquals("DHL", state.carrier());
    assertEquals("DHL0123456789abcdef", state.trackingNumber());
    assertEquals(saga.created.timestamp(), state.createdAt());
    assertEquals(saga.reserved.timestamp(), state.reservedAt());
    assertEquals(saga.shipped.timestamp(), state.shippedAt());
    assertNull(state.rejectionReason());
    assertEquals(3, state.eventCount());
  }

  @Test
  void everyArrivalOrderFoldsToTheSameState() {
    OrderState expected = OrderFold.fold(saga.orderId(), saga.shippedSaga());

    for (List<EventEnvelope> arrival : permutations(saga.shippedSaga())) {
      assertEquals(expected, OrderFold.fold(saga.orderId(), arrival), arrival.toString());
    }
  }

  @Test
  void shippedSeenBeforeCreatedEndsShippedOnceBothAreIn() {
    OrderState early = OrderFold.fold(saga.orderId(), List.of(saga.shipped));
    assertEquals(OrderStatus.SHIPPED, early.status());
    assertNull(early.customerId());

    OrderState both = OrderFold.fold(saga.orderId(), List.of(saga.shipped, saga.created));
    assertEquals(OrderStatus.SHIPPED, both.status());
    assertEquals("alice", both.customerId());
  }

  @Test
  void aDuplicateEventChangesNothing() {
    List<EventEnvelope> withRepeats =
        List.of(saga.shipped, saga.created, saga.reserved, saga.created, saga.shipped);

    assertEquals(
        OrderFold.fold(saga.orderId(), saga.shippedSaga()),
        OrderFold.fold(saga.orderId(), withRepeats));
  }

  @Test
  void aCancellationThatWinsEndsCancelledWithItsReasonInEveryArrivalOrder() {
    List<EventEnvelope> events =
        List.of(
            saga.created,
            saga.reserved,
            saga.cancelRequested,
            saga.shipmentCancelled,
            saga.released);
    OrderState expected = OrderFold.fold(saga.orderId(), events);

    assertEquals(OrderStatus.CANCELLED, expected.status());
    assertEquals("customer changed their mind", expected.cancellationReason());
    assertEquals(saga.shipmentCancelled.timestamp(), expected.cancelledAt());
    assertEquals(saga.released.timestamp(), expected.releasedAt());
    for (List<EventEnvelope> arrival : permutations(events)) {
      assertEquals(expected, OrderFold.fold(saga.orderId(), arrival), arrival.toString());
    }
  }

  @Test
  void aRefusedCancellationLeavesTheOrderShippedAndSaysWhy() {
    OrderState state =
        OrderFold.fold(
            saga.orderId(),
            List.of(saga.cancellationRefused, saga.shipped, saga.cancelRequested, saga.created));

    assertEquals(OrderStatus.SHIPPED, state.status());
    assertEquals("already shipped: shipment shipment-1", state.cancellationRefusal());
  }

  @Test
  void aFailedShipmentEndsFailedWithItsReason() {
    OrderState state =
        OrderFold.fold(saga.orderId(), List.of(saga.shipmentFailed, saga.reserved, saga.created));

    assertEquals(OrderStatus.FAILED, state.status());
    assertEquals("no carrier serves AQ", state.failureReason());
  }

  @Test
  void aCancellationOfARejectedOrderLeavesItRejected() {
    OrderState state =
        OrderFold.fold(
            saga.orderId(), List.of(saga.shipmentCancelled, saga.rejected, saga.created));

    assertEquals(OrderStatus.REJECTED, state.status());
  }

  @Test
  void aCancellationSeenAloneIsAnOrderNotYetDecided() {
    OrderState state = OrderFold.fold(saga.orderId(), List.of(saga.cancelRequested));

    assertEquals(OrderStatus.CREATED, state.status());
    assertEquals("customer changed their mind", state.cancellationReason());
  }

  @Test
  void aRejectionNamesTheShortage() {
    OrderState state = OrderFold.fold(saga.orderId(), List.of(saga.rejected, saga.created));

    assertEquals(OrderStatus.REJECTED, state.status());
    assertEquals("insufficient stock: sku-1 (requested 2, available 1)", state.rejectionReason());
    assertEquals(saga.rejected.timestamp(), state.rejectedAt());
  }

  @Test
  void causalOrderPutsCausesFirstWhateverTheTimestamps() {
    List<EventEnvelope> sorted = OrderFold.sort(List.of(saga.shipped, saga.reserved, saga.created));

    assertEquals(saga.shippedSaga(), sorted);
  }

  private static List<List<EventEnvelope>> permutations(List<EventEnvelope> events) {
    if (events.isEmpty()) {
      return List.of(List.of());
    }
    List<List<EventEnvelope>> all = new ArrayList<>();
    for (EventEnvelope first : events) {
      List<EventEnvelope> rest = new ArrayList<>(events);
      rest.remove(first);
      for (List<EventEnvelope> tail : permutations(rest)) {
        List<EventEnvelope> permutation = new ArrayList<>();
        permutation.add(first);
        permutation.addAll(tail);
        all.add(permutation);
      }
    }
    return all;
  }
}
