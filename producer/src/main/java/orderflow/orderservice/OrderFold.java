package orderflow.orderservice;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.stream.Collectors;
import orderflow.envelope.CancellationRefused;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventPayload;
import orderflow.envelope.EventType;
import orderflow.envelope.InventoryRejected;
import orderflow.envelope.InventoryReserved;
import orderflow.envelope.OrderCancelled;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.OrderShipped;
import orderflow.envelope.ShipmentCancelled;
import orderflow.envelope.ShipmentFailed;

/**
 * Rebuilds an order's state from its events (event sourcing), taken in causal order ({@link
 * #sort}). The first event of a kind fixes its fields and the status never moves back ({@link
 * OrderStatus#mayMoveTo}), so the state depends on the set of events only: any arrival order, or
 * duplicates, fold to the same state.
 */
public final class OrderFold {
  private static final Comparator<EventEnvelope> SAGA_STEP_THEN_TIME =
      Comparator.comparingInt((EventEnvelope e) -> step(e.eventType()))
          .thenComparing(EventEnvelope::timestamp)
          .thenComparing(e -> e.eventId().toString());

  private OrderFold() {}

  /** {@code events}: the order's, in any order, at least one. */
  public static OrderState fold(String orderId, List<EventEnvelope> events) {
    List<EventEnvelope> sorted = sort(events);
    OrderStatus status = null;
    for (EventEnvelope event : sorted) {
      OrderStatus next = statusAfter(event.eventType());
      if (next != null && (status == null || status.mayMoveTo(next))) {
        status = next;
      }
    }
    Optional<OrderCreated> created = first(sorted, OrderCreated.class);
    Optional<OrderShipped> shipped = first(sorted, OrderShipped.class);
    // Asked for by the customer, or decided by shipping for a rejected order: whichever came first.
    String cancellationReason =
        sorted.stream()
            .map(EventEnvelope::payload)
            .map(
                p ->
                    p instanceof OrderCancelled c
                        ? c.reason()
                        : p instanceof ShipmentCancelled s ? s.reason() : null)
            .filter(Objects::nonNull)
            .findFirst()
            .orElse(null);
    List<Instant> times = sorted.stream().map(EventEnvelope::timestamp).sorted().toList();
    return new OrderState(
        orderId,
        created.map(OrderCreated::customerId).orElse(null),
        status,
        created.map(OrderCreated::items).orElse(List.of()),
        created.map(OrderCreated::totalAmount).orElse(null),
        first(sorted, InventoryRejected.class).map(OrderFold::rejectionReason).orElse(null),
        first(sorted, InventoryReserved.class).map(InventoryReserved::reservationId).orElse(null),
        shipped.map(OrderShipped::shipmentId).orElse(null),
        shipped.map(OrderShipped::carrier).orElse(null),
        shipped.map(OrderShipped::trackingNumber).orElse(null),
        firstAt(sorted, EventType.ORDER_CREATED),
        firstAt(sorted, EventType.INVENTORY_RESERVED),
        firstAt(sorted, EventType.INVENTORY_REJECTED),
        firstAt(sorted, EventType.ORDER_SHIPPED),
        cancellationReason,
        first(sorted, CancellationRefused.class).map(CancellationRefused::reason).orElse(null),
        first(sorted, ShipmentFailed.class).map(ShipmentFailed::reason).orElse(null),
        firstAt(sorted, EventType.SHIPMENT_CANCELLED),
        firstAt(sorted, EventType.SHIPMENT_FAILED),
        firstAt(sorted, EventType.INVENTORY_RELEASED),
        times.get(0),
        times.get(times.size() - 1),
        sorted.size());
  }

  /** The payload of the first event of this kind, the one that fixes its fields. */
  private static <T extends EventPayload> Optional<T> first(
      List<EventEnvelope> sorted, Class<T> kind) {
    return sorted.stream()
        .map(EventEnvelope::payload)
        .filter(kind::isInstance)
        .map(kind::cast)
        .findFirst();
  }

  private static Instant firstAt(List<EventEnvelope> sorted, EventType type) {
    return sorted.stream()
        .filter(e -> e.eventType() == type)
        .map(EventEnvelope::timestamp)
        .findFirst()
        .orElse(null);
  }

  private static String rejectionReason(InventoryRejected rejected) {
    return rejected.shortages().stream()
        .map(
            s ->
                "%s (requested %d, available %d)"
                    .formatted(s.productId(), s.requested(), s.available()))
        .collect(Collectors.joining(", ", "insufficient stock: ", ""));
  }

  /** Where an event of this type moves the order, null for one that does not move it. */
  private static OrderStatus statusAfter(EventType type) {
    return switch (type) {
      case ORDER_CREATED, ORDER_CANCELLED, CANCELLATION_REFUSED, INVENTORY_RELEASED ->
          OrderStatus.CREATED;
      case INVENTORY_RESERVED -> OrderStatus.RESERVED;
      case INVENTORY_REJECTED -> OrderStatus.REJECTED;
      case ORDER_SHIPPED -> OrderStatus.SHIPPED;
      case SHIPMENT_CANCELLED -> OrderStatus.CANCELLED;
      case SHIPMENT_FAILED -> OrderStatus.FAILED;
      case CUSTOMER_DATA_ERASED -> null;
    };
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
}
