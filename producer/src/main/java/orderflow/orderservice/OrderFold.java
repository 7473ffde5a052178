package orderflow.orderservice;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import orderflow.envelope.CancellationRefused;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.InventoryRejected;
import orderflow.envelope.InventoryReserved;
import orderflow.envelope.OrderCancelled;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.OrderItem;
import orderflow.envelope.OrderShipped;
import orderflow.envelope.ShipmentCancelled;
import orderflow.envelope.ShipmentFailed;

/**
 * Rebuilds an order's state from its events (event sourcing): sorts them causally ({@link
 * CausalOrder}) and applies each in turn. The first event of a kind fixes its fields (a repeated
 * {@code OrderCreated}, say from the legacy bridge, changes nothing), and the status never moves
 * back ({@link OrderStatus#mayMoveTo}). So the state depends on the set of events only: the same
 * events in any arrival order, or with duplicates, fold to the same state.
 *
 * <p>Not thread-safe: one instance per fold (use {@link #fold}).
 */
public final class OrderFold {
  private final String orderId;
  private String customerId;
  private OrderStatus status;
  private List<OrderItem> items = List.of();
  private BigDecimal totalAmount;
  private String rejectionReason;
  private String reservationId;
  private String shipmentId;
  private String carrier;
  private String trackingNumber;
  private Instant createdAt;
  private Instant reservedAt;
  private Instant rejectedAt;
  private Instant shippedAt;
  private String cancellationReason;
  private String cancellationRefusal;
  private String failureReason;
  private Instant cancelledAt;
  private Instant failedAt;
  private Instant releasedAt;
  private Instant firstEventAt;
  private Instant lastEventAt;

  private OrderFold(String orderId) {
    this.orderId = orderId;
  }

  /**
   * @param events the order's events, in any order, at least one
   * @throws IllegalArgumentException when there are none
   */
  public static OrderState fold(String orderId, List<EventEnvelope> events) {
    if (events.isEmpty()) {
      throw new IllegalArgumentException("no events for order " + orderId);
    }
    OrderFold fold = new OrderFold(orderId);
    List<EventEnvelope> sorted = CausalOrder.sort(events);
    sorted.forEach(fold::apply);
    return fold.state(sorted.size());
  }

  private void apply(EventEnvelope event) {
    Instant at = event.timestamp();
    firstEventAt = firstEventAt == null || at.isBefore(firstEventAt) ? at : firstEventAt;
    lastEventAt = lastEventAt == null || at.isAfter(lastEventAt) ? at : lastEventAt;
    switch (event.eventType()) {
      case ORDER_CREATED -> created(event.payloadAs(OrderCreated.class), at);
      case INVENTORY_RESERVED -> reserved(event.payloadAs(InventoryReserved.class), at);
      case INVENTORY_REJECTED -> rejected(event.payloadAs(InventoryRejected.class), at);
      case ORDER_SHIPPED -> shipped(event.payloadAs(OrderShipped.class), at);
      case ORDER_CANCELLED -> cancellationAsked(event.payloadAs(OrderCancelled.class));
      case CANCELLATION_REFUSED -> refused(event.payloadAs(CancellationRefused.class));
      case SHIPMENT_CANCELLED -> cancelled(event.payloadAs(ShipmentCancelled.class), at);
      case SHIPMENT_FAILED -> failed(event.payloadAs(ShipmentFailed.class), at);
      case INVENTORY_RELEASED -> released(at);
    }
  }

  private void created(OrderCreated order, Instant at) {
    if (createdAt == null) {
      customerId = order.customerId();
      items = order.items();
      totalAmount = order.totalAmount();
      createdAt = at;
    }
    moveTo(OrderStatus.CREATED);
  }

  private void reserved(InventoryReserved reservation, Instant at) {
    if (reservedAt == null) {
      reservationId = reservation.reservationId();
      reservedAt = at;
    }
    moveTo(OrderStatus.RESERVED);
  }

  private void rejected(InventoryRejected rejection, Instant at) {
    if (rejectedAt == null) {
      rejectionReason =
          "insufficient stock: "
              + rejection.shortages().stream()
                  .map(
                      s ->
                          s.productId()
                              + " (requested "
                              + s.requested()
                              + ", available "
                              + s.available()
                              + ")")
                  .collect(Collectors.joining(", "));
      rejectedAt = at;
    }
    moveTo(OrderStatus.REJECTED);
  }

  private void shipped(OrderShipped shipment, Instant at) {
    if (shippedAt == null) {
      shipmentId = shipment.shipmentId();
      carrier = shipment.carrier();
      trackingNumber = shipment.trackingNumber();
      shippedAt = at;
    }
    moveTo(OrderStatus.SHIPPED);
  }

  private void cancellationAsked(OrderCancelled cancellation) {
    if (cancellationReason == null) {
      cancellationReason = cancellation.reason();
    }
    moveTo(OrderStatus.CREATED);
  }

  private void refused(CancellationRefused refusal) {
    if (cancellationRefusal == null) {
      cancellationRefusal = refusal.reason();
    }
    moveTo(OrderStatus.CREATED);
  }

  private void cancelled(ShipmentCancelled cancellation, Instant at) {
    if (cancelledAt == null) {
      cancelledAt = at;
      if (cancellationReason == null) {
        cancellationReason = cancellation.reason();
      }
    }
    moveTo(OrderStatus.CANCELLED);
  }

  private void failed(ShipmentFailed failure, Instant at) {
    if (failedAt == null) {
      failureReason = failure.reason();
      failedAt = at;
    }
    moveTo(OrderStatus.FAILED);
  }

  private void released(Instant at) {
    if (releasedAt == null) {
      releasedAt = at;
    }
    moveTo(OrderStatus.CREATED);
  }

  private void moveTo(OrderStatus next) {
    if (status == null || status.mayMoveTo(next)) {
      status = next;
    }
  }

  private OrderState state(int eventCount) {
    return new OrderState(
        orderId,
        customerId,
        status,
        items,
        totalAmount,
        rejectionReason,
        reservationId,
        shipmentId,
        carrier,
        trackingNumber,
        createdAt,
        reservedAt,
        rejectedAt,
        shippedAt,
        cancellationReason,
        cancellationRefusal,
        failureReason,
        cancelledAt,
        failedAt,
        releasedAt,
        firstEventAt,
        lastEventAt,
        eventCount);
  }
}
