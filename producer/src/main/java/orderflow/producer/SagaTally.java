package orderflow.producer;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventType;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * Where each order of a saga run stands, from the events seen passing. An order ends {@code
 * REJECTED} (inventory), or in shipping's one decision: {@code SHIPPED}, {@code CANCELLED} or
 * {@code FAILED}; a rejection ranks above a cancellation, as in the order service's fold (shipping
 * cancels an order it never received). An order is <em>settled</em> when nothing more is to come
 * for it: it has ended, a cancellation asked for it has been answered (cancelled or refused), and a
 * reservation of a cancelled or failed order has been released. End-to-end latency is measured from
 * the OrderCreated timestamp to the moment its OrderShipped is seen, for orders created from the
 * start of the measured window on ({@link #measureFrom}); the rate counts every shipment seen in
 * that window, so a warm-up's orders still shipping count, as in the broker's own ceiling.
 *
 * <p>Thread-safe: events arrive on the connection's thread, cancellations on the publishing one.
 */
final class SagaTally {
  private final Map<String, Instant> created = new ConcurrentHashMap<>();
  private final Set<String> cancellationsAsked = ConcurrentHashMap.newKeySet();
  private final Map<EventType, Set<String>> seen = new ConcurrentHashMap<>();
  private final LongAdder duplicates = new LongAdder();

  /** Microseconds, three significant digits, resized as larger values come; thread-safe. */
  private final ConcurrentHistogram latency = new ConcurrentHistogram(3);

  private final LongAdder shippedInWindow = new LongAdder();
  private volatile Instant windowStart = Instant.MIN;
  private volatile Instant lastShipped = Instant.MIN;

  /**
   * Starts the measured window: orders created before {@code start} are followed to their end but
   * left out of the latency, and shipments seen before it are left out of the rate.
   */
  void measureFrom(Instant start) {
    windowStart = start;
  }

  void published(EventEnvelope order) {
    created.put(order.payload().orderId(), order.timestamp());
  }

  /** A cancellation of one of this run's orders was published. */
  void cancellationAsked(String orderId) {
    if (created.containsKey(orderId)) {
      cancellationsAsked.add(orderId);
    }
  }

  void seen(EventEnvelope event, Instant now) {
    String orderId = event.payload().orderId();
    Instant start = created.get(orderId);
    if (start == null || !followed(event.eventType())) {
      return; // Not an order of this run, or not a step this tally follows.
    }
    if (!orders(event.eventType()).add(orderId)) {
      duplicates.increment();
      return;
    }
    if (event.eventType() == EventType.ORDER_SHIPPED && !now.isBefore(windowStart)) {
      shippedInWindow.increment();
      if (now.isAfter(lastShipped)) {
        lastShipped = now; // one observer thread: a plain check-then-set is enough
      }
      if (!start.isBefore(windowStart)) {
        latency.recordValue(Math.max(0, Duration.between(start, now).toNanos() / 1_000));
      }
    }
  }

  private static boolean followed(EventType type) {
    return type != EventType.ORDER_CREATED && type != EventType.ORDER_CANCELLED;
  }

  private Set<String> orders(EventType type) {
    return seen.computeIfAbsent(type, t -> ConcurrentHashMap.newKeySet());
  }

  private boolean has(EventType type, String orderId) {
    return orders(type).contains(orderId);
  }

  long created() {
    return created.size();
  }

  long cancellationsAsked() {
    return cancellationsAsked.size();
  }

  long reserved() {
    return orders(EventType.INVENTORY_RESERVED).size();
  }

  long rejected() {
    return orders(EventType.INVENTORY_REJECTED).size();
  }

  /** Orders that ended shipped (a refused cancellation leaves an order shipped). */
  long shipped() {
    return countEndingIn(EventType.ORDER_SHIPPED);
  }

  long cancelled() {
    return countEndingIn(EventType.SHIPMENT_CANCELLED);
  }

  long failed() {
    return countEndingIn(EventType.SHIPMENT_FAILED);
  }

  /** Cancellations that shipping refused (the order had shipped or failed). */
  long refused() {
    return orders(EventType.CANCELLATION_REFUSED).size();
  }

  /** Reservations given back (of cancelled or failed orders). */
  long released() {
    return orders(EventType.INVENTORY_RELEASED).size();
  }

  private long countEndingIn(EventType shippingDecision) {
    return orders(shippingDecision).stream()
        .filter(orderId -> !has(EventType.INVENTORY_REJECTED, orderId))
        .count();
  }

  /**
   * Orders that reached more than one of shipping's end states, or shipped and had stock released:
   * the saga's invariant says none.
   */
  long conflicting() {
    return created.keySet().stream().filter(this::conflicting).count();
  }

  private boolean conflicting(String orderId) {
    int decisions = 0;
    for (EventType decision :
        new EventType[] {
          EventType.ORDER_SHIPPED, EventType.SHIPMENT_CANCELLED, EventType.SHIPMENT_FAILED
        }) {
      decisions += has(decision, orderId) ? 1 : 0;
    }
    return decisions > 1
        || (has(EventType.ORDER_SHIPPED, orderId) && has(EventType.INVENTORY_RELEASED, orderId));
  }

  /** Events seen more than once for one order (at-least-once delivery at work). */
  long duplicates() {
    return duplicates.sum();
  }

  /** Orders in an end state: shipped, rejected, cancelled or failed. */
  long finished() {
    return created.keySet().stream().filter(this::ended).count();
  }

  private boolean ended(String orderId) {
    return has(EventType.INVENTORY_REJECTED, orderId)
        || has(EventType.ORDER_SHIPPED, orderId)
        || has(EventType.SHIPMENT_CANCELLED, orderId)
        || has(EventType.SHIPMENT_FAILED, orderId);
  }

  /** Orders with nothing more to come: see the class comment. */
  long settled() {
    return created.keySet().stream().filter(this::settled).count();
  }

  private boolean settled(String orderId) {
    if (!ended(orderId)) {
      return false;
    }
    if (cancellationsAsked.contains(orderId)
        && !has(EventType.SHIPMENT_CANCELLED, orderId)
        && !has(EventType.CANCELLATION_REFUSED, orderId)) {
      return false;
    }
    boolean givesBack =
        !has(EventType.ORDER_SHIPPED, orderId)
            && (has(EventType.SHIPMENT_CANCELLED, orderId)
                || has(EventType.SHIPMENT_FAILED, orderId));
    return !givesBack
        || !has(EventType.INVENTORY_RESERVED, orderId)
        || has(EventType.INVENTORY_RELEASED, orderId);
  }

  /**
   * Shipments seen in the measured window per second, from its start to the last shipment seen; 0
   * before any, or when no window was started.
   */
  double shippedPerSecond() {
    Instant start = windowStart;
    Instant end = lastShipped;
    if (start == Instant.MIN || !end.isAfter(start)) {
      return 0;
    }
    return shippedInWindow.sum() / (Duration.between(start, end).toNanos() / 1e9);
  }

  /** The latency at {@code percentile} (0 to 100) in milliseconds; 0 with no samples. */
  double latencyMillis(double percentile) {
    return latency.getValueAtPercentile(percentile) / 1000.0;
  }
}
