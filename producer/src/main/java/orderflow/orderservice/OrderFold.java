package orderflow.orderservice;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.stream.Collectors;
import orderflow.envelope.CancellationRefused;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventType;
import orderflow.envelope.InventoryRejected;
import orderflow.envelope.InventoryReserved;
import orderflow.envelope.OrderCancelled;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.OrderItem;
import orderflow.envelope.OrderShipped;
import orderflow.envelope.ShipmentCancelled;
import orderflow.envelope.ShipmentFailed;

/**
 * Rebuilds an order's state from its events (event sourcing), applied in causal order ({@link
 * #sort}). The first event of a kind fixes its fields and the status never moves back ({@link
 * OrderStatus#mayMoveTo}), so the state depends on the set of events only: any arrival order, or
 * duplicates, fold to the same state. Not thread-safe: one instance per fold ({@link #fold}).
 */
public final class OrderFold {
  private static final Comparator<EventEnvelope> SAGA_STEP_THEN_TIME =
      Comparator.comparingInt((EventEnvelope e) -> step(e.eventType()))
          .thenComparing(EventEnvelope::timestamp)
          .thenComparing(e -> e.eventId().toString());

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
   */
  public static OrderState fold(String orderId, List<EventEnvelope> events) {
    if (events.isEmpty()) {
      throw new IllegalArgumentException("no events for order " + orderId);
    }
    OrderFold fold = new OrderFold(orderId);
    List<EventEnvelope> sorted = sort(events);
    sorted.forEach(fold::apply);
    return new OrderState(
        orderId,
        fold.customerId,
        fold.status,
        fold.items,
        fold.totalAmount,
        fold.rejectionReason,
        fold.reservationId,
        fold.shipmentId,
        fold.carrier,
        fold.trackingNumber,
        fold.createdAt,
        fold.reservedAt,
        fold.rejectedAt,
        fold.shippedAt,
        fold.cancellationReason,
        fold.cancellationRefusal,
        fold.failureReason,
        fold.cancelledAt,
        fold.failedAt,
        fold.releasedAt,
        fold.firstEventAt,
        fold.lastEventAt,
        sorted.size());
  }

  /**
   * One order's events, causes first, duplicates of one eventId once: an event comes after the one
   * its {@code causationId} names (when known); events with no known link follow the saga's steps,
   * then their timestamps, then their ids. The result depends only on the set of events.
   */
  static List<EventEnvelope> sort(List<EventEnvelope> events) {
    Map<String, EventEnvelope> byId = new HashMap<>();
    events.forEach(event -> byId.putIfAbsent(event.eventId().toString(), event));
    Map<String, List<EventEnvelope>> effects = new HashMap<>();
    PriorityQueue<EventEnvelope> ready = new PriorityQueue<>(SAGA_STEP_THEN_TIME);
    for (EventEnvelope event : byId.values()) {
      String cause = event.metadata().causationId();
      if (cause != null && byId.containsKey(cause) && !cause.equals(event.eventId().toString())) {
        effects.computeIfAbsent(cause, id -> new ArrayList<>()).add(event);
      } else {
        ready.add(event);
      }
    }
    // Each event has at most one cause, so the links form a forest and every event becomes ready
    // once, after its cause; only forged ids could make a cycle, whose events then come last.
    List<EventEnvelope> sorted = new ArrayList<>(byId.size());
    while (!ready.isEmpty()) {
      EventEnvelope next = ready.poll();
      sorted.add(next);
      ready.addAll(effects.getOrDefault(next.eventId().toString(), List.of()));
    }
    if (sorted.size() < byId.size()) {
      List<EventEnvelope> cyclic = new ArrayList<>(byId.values());
      cyclic.removeAll(sorted);
      cyclic.sort(SAGA_STEP_THEN_TIME);
      sorted.addAll(cyclic);
    }
    return sorted;
  }

  private static int step(EventType type) {
    return switch (type) {
      case ORDER_CREATED, ORDER_CANCELLED -> 0;
      case INVENTORY_RESERVED, INVENTORY_REJECTED -> 1;
      case ORDER_SHIPPED, SHIPMENT_CANCELLED, SHIPMENT_FAILED, CANCELLATION_REFUSED -> 2;
      case INVENTORY_RELEASED, CUSTOMER_DATA_ERASED -> 3;
    };
  }

  private void apply(EventEnvelope event) {
    Instant at = event.timestamp();
    firstEventAt = firstEventAt == null || at.isBefore(firstEventAt) ? at : firstEventAt;
    lastEventAt = lastEventAt == null || at.isAfter(lastEventAt) ? at : lastEventAt;
    switch (event.eventType()) {
      case ORDER_CREATED -> {
        if (createdAt == null) {
          OrderCreated order = event.payloadAs(OrderCreated.class);
          customerId = order.customerId();
          items = order.items();
          totalAmount = order.totalAmount();
          createdAt = at;
        }
        moveTo(OrderStatus.CREATED);
      }
      case INVENTORY_RESERVED -> {
        if (reservedAt == null) {
          reservationId = event.payloadAs(InventoryReserved.class).reservationId();
          reservedAt = at;
        }
        moveTo(OrderStatus.RESERVED);
      }
      case INVENTORY_REJECTED -> {
        if (rejectedAt == null) {
          rejectionReason =
              event.payloadAs(InventoryRejected.class).shortages().stream()
                  .map(
                      s ->
                          s.productId()
                              + " (requested "
                              + s.requested()
                              + ", available "
                              + s.available()
                              + ")")
                  .collect(Collectors.joining(", ", "insufficient stock: ", ""));
          rejectedAt = at;
        }
        moveTo(OrderStatus.REJECTED);
      }
      case ORDER_SHIPPED -> {
        if (shippedAt == null) {
          OrderShipped shipment = event.payloadAs(OrderShipped.class);
          shipmentId = shipment.shipmentId();
          carrier = shipment.carrier();
          trackingNumber = shipment.trackingNumber();
          shippedAt = at;
        }
        moveTo(OrderStatus.SHIPPED);
      }
      case ORDER_CANCELLED -> {
        if (cancellationReason == null) {
          cancellationReason = event.payloadAs(OrderCancelled.class).reason();
        }
        moveTo(OrderStatus.CREATED);
      }
      case CANCELLATION_REFUSED -> {
        if (cancellationRefusal == null) {
          cancellationRefusal = event.payloadAs(CancellationRefused.class).reason();
        }
        moveTo(OrderStatus.CREATED);
      }
      case SHIPMENT_CANCELLED -> {
        if (cancelledAt == null) {
          cancelledAt = at;
          if (cancellationReason == null) {
            cancellationReason = event.payloadAs(ShipmentCancelled.class).reason();
          }
        }
        moveTo(OrderStatus.CANCELLED);
      }
      case SHIPMENT_FAILED -> {
        if (failedAt == null) {
          failureReason = event.payloadAs(ShipmentFailed.class).reason();
          failedAt = at;
        }
        moveTo(OrderStatus.FAILED);
      }
      case INVENTORY_RELEASED -> {
        if (releasedAt == null) {
          releasedAt = at;
        }
        moveTo(OrderStatus.CREATED);
      }
    }
  }

  private void moveTo(OrderStatus next) {
    if (status == null || status.mayMoveTo(next)) {
      status = next;
    }
  }
}
