package orderflow.orderservice;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventType;

/**
 * Puts one order's events in causal order, whatever order they arrived in: an event comes after the
 * event its {@code causationId} names (when that one is known), and events with no known link
 * between them follow the saga's steps (created, then the inventory's answer, then shipped), then
 * their timestamps, then their ids. The result depends only on the set of events, never on arrival
 * order, so folding it gives the same state however the broker delivered them.
 *
 * <p>Stateless and thread-safe.
 */
final class CausalOrder {
  private static final Comparator<EventEnvelope> SAGA_STEP_THEN_TIME =
      Comparator.comparingInt((EventEnvelope e) -> step(e.eventType()))
          .thenComparing(EventEnvelope::timestamp)
          .thenComparing(e -> e.eventId().toString());

  private CausalOrder() {}

  /** The events, causes first; duplicates of one eventId are kept once. */
  static List<EventEnvelope> sort(List<EventEnvelope> events) {
    Map<String, EventEnvelope> byId = new HashMap<>();
    for (EventEnvelope event : events) {
      byId.putIfAbsent(event.eventId().toString(), event);
    }
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

  /** The saga step of an event type; a type added later sorts after the known ones. */
  static int step(EventType type) {
    return switch (type) {
      case ORDER_CREATED, ORDER_CANCELLED -> 0;
      case INVENTORY_RESERVED, INVENTORY_REJECTED -> 1;
      case ORDER_SHIPPED, SHIPMENT_CANCELLED, SHIPMENT_FAILED, CANCELLATION_REFUSED -> 2;
      case INVENTORY_RELEASED, CUSTOMER_DATA_ERASED -> 3;
    };
  }
}
