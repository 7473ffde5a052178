package orderflow.producer;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventType;

/**
 * Where each order of a saga run stands, from the events seen passing: reserved, rejected, shipped.
 * End-to-end latency is measured from the OrderCreated timestamp to the moment its OrderShipped is
 * seen. Thread-safe: events arrive on the connection's thread.
 */
final class SagaTally {
  private final Map<String, Instant> created = new ConcurrentHashMap<>();
  private final Map<String, Boolean> reserved = new ConcurrentHashMap<>();
  private final Map<String, Boolean> rejected = new ConcurrentHashMap<>();
  private final Map<String, Boolean> shipped = new ConcurrentHashMap<>();
  private final LongAdder duplicates = new LongAdder();
  private final LatencyHistogram latency = new LatencyHistogram();

  void published(EventEnvelope order) {
    created.put(order.payload().orderId(), order.timestamp());
  }

  void seen(EventEnvelope event, Instant now) {
    String orderId = event.payload().orderId();
    Instant start = created.get(orderId);
    if (start == null) {
      return; // Not an order of this run.
    }
    Map<String, Boolean> state = stateOf(event.eventType());
    if (state == null) {
      return;
    }
    if (state.putIfAbsent(orderId, Boolean.TRUE) != null) {
      duplicates.increment();
      return;
    }
    if (event.eventType() == EventType.ORDER_SHIPPED) {
      latency.recordNanos(java.time.Duration.between(start, now).toNanos());
    }
  }

  private Map<String, Boolean> stateOf(EventType type) {
    return switch (type) {
      case INVENTORY_RESERVED -> reserved;
      case INVENTORY_REJECTED -> rejected;
      case ORDER_SHIPPED -> shipped;
      default -> null;
    };
  }

  long created() {
    return created.size();
  }

  long reserved() {
    return reserved.size();
  }

  long rejected() {
    return rejected.size();
  }

  long shipped() {
    return shipped.size();
  }

  /** Events seen more than once for one order (at-least-once delivery at work). */
  long duplicates() {
    return duplicates.sum();
  }

  /** Orders in an end state: shipped or rejected. */
  long finished() {
    return shipped.size() + rejected.size();
  }

  double latencyMillis(double percentile) {
    return latency.percentileMillis(percentile);
  }
}
