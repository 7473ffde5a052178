package orderflow.producer;

import static orderflow.envelope.EventType.CANCELLATION_REFUSED;
import static orderflow.envelope.EventType.INVENTORY_REJECTED;
import static orderflow.envelope.EventType.INVENTORY_RELEASED;
import static orderflow.envelope.EventType.INVENTORY_RESERVED;
import static orderflow.envelope.EventType.ORDER_CANCELLED;
import static orderflow.envelope.EventType.ORDER_CREATED;
import static orderflow.envelope.EventType.ORDER_SHIPPED;
import static orderflow.envelope.EventType.SHIPMENT_CANCELLED;
import static orderflow.envelope.EventType.SHIPMENT_FAILED;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventType;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * Where each order of a saga run stands, from the events seen passing. An order ends {@code
 * REJECTED} (inventory), or in shipping's one decision: shipped, cancelled or failed; a rejection
 * ranks above a cancellation, as in the order service's fold. An order is <em>settled</em> when
 * nothing more is to come for it: it has ended, a cancellation asked for it has been answered, and
 * a reservation of a cancelled or failed order has been released. End-to-end latency runs from the
 * OrderCreated timestamp to the moment its OrderShipped is seen, for orders created in the measured
 * window ({@link #measureFrom}); the rate counts every shipment seen in that window.
 *
 * <p>Thread-safe: events arrive on the connection's thread, cancellations on the publishing one.
 */
final class SagaTally {
  private static final List<EventType> SHIPPING_DECISIONS =
      List.of(ORDER_SHIPPED, SHIPMENT_CANCELLED, SHIPMENT_FAILED);

  private final Map<String, Instant> created = new ConcurrentHashMap<>();
  private final Set<String> cancellationsAsked = ConcurrentHashMap.newKeySet();
  private final Map<EventType, Set<String>> seen = new ConcurrentHashMap<>();
  private final LongAdder duplicates = new LongAdder();

  /** Microseconds, three significant digits. */
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
    EventType type = event.eventType();
    if (start == null || type == ORDER_CREATED || type == ORDER_CANCELLED) {
      return; // not an order of this run, or not a step this tally follows
    }
    if (!orders(type).add(orderId)) {
      duplicates.increment();
      return;
    }
    if (type == ORDER_SHIPPED && !now.isBefore(windowStart)) {
      shippedInWindow.increment();
      if (now.isAfter(lastShipped)) {
        lastShipped = now; // one observer thread: check-then-set is enough
      }
      if (!start.isBefore(windowStart)) {
        latency.recordValue(Math.max(0, Duration.between(start, now).toNanos() / 1_000));
      }
    }
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
    return orders(INVENTORY_RESERVED).size();
  }

  long rejected() {
    return orders(INVENTORY_REJECTED).size();
  }

  /** Orders that ended shipped (a refused cancellation leaves an order shipped). */
  long shipped() {
    return countEndingIn(ORDER_SHIPPED);
  }

  long cancelled() {
    return countEndingIn(SHIPMENT_CANCELLED);
  }

  long failed() {
    return countEndingIn(SHIPMENT_FAILED);
  }

  /** Cancellations that shipping refused (the order had shipped or failed). */
  long refused() {
    return orders(CANCELLATION_REFUSED).size();
  }

  /** Reservations given back (of cancelled or failed orders). */
  long released() {
    return orders(INVENTORY_RELEASED).size();
  }

  private long countEndingIn(EventType decision) {
    return orders(decision).stream().filter(id -> !has(INVENTORY_REJECTED, id)).count();
  }

  /**
   * Orders that reached more than one of shipping's end states, or shipped and had stock released:
   * the saga's invariant says none.
   */
  long conflicting() {
    return count(
        id ->
            SHIPPING_DECISIONS.stream().filter(decision -> has(decision, id)).count() > 1
                || (has(ORDER_SHIPPED, id) && has(INVENTORY_RELEASED, id)));
  }

  /** Events seen more than once for one order (at-least-once delivery at work). */
  long duplicates() {
    return duplicates.sum();
  }

  /** Orders in an end state: shipped, rejected, cancelled or failed. */
  long finished() {
    return count(this::ended);
  }

  private boolean ended(String orderId) {
    return has(INVENTORY_REJECTED, orderId)
        || SHIPPING_DECISIONS.stream().anyMatch(decision -> has(decision, orderId));
  }

  /** Orders with nothing more to come: see the class comment. */
  long settled() {
    return count(this::settled);
  }

  private boolean settled(String id) {
    boolean answered =
        !cancellationsAsked.contains(id)
            || has(SHIPMENT_CANCELLED, id)
            || has(CANCELLATION_REFUSED, id);
    boolean givesBack =
        !has(ORDER_SHIPPED, id) && (has(SHIPMENT_CANCELLED, id) || has(SHIPMENT_FAILED, id));
    return ended(id)
        && answered
        && (!givesBack || !has(INVENTORY_RESERVED, id) || has(INVENTORY_RELEASED, id));
  }

  private long count(java.util.function.Predicate<String> test) {
    return created.keySet().stream().filter(test).count();
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
