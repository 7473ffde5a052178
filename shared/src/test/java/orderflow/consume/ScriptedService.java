package orderflow.consume;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventType;
import orderflow.envelope.InventoryReserved;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.ReservedItem;
import orderflow.topology.Topology;

/**
 * A small service for runtime tests, consuming the inventory queue. What it does with an order is
 * scripted by the order's customerId: {@code transient-N} fails transiently N times then applies,
 * {@code always-transient} never succeeds, {@code permanent} fails permanently, {@code crash} halts
 * the JVM (a poison message), anything else applies. While {@link #succeedOneIn} is n > 0, only
 * every n-th handler call succeeds (a flapping dependency). Applying records a row in {@code
 * applied} and emits InventoryReserved (which the topology routes to the shipping queue).
 */
final class ScriptedService {
  static final String NAME = "inventory";
  static final AtomicBoolean dependencyDown = new AtomicBoolean();
  static final AtomicBoolean rejectEverything = new AtomicBoolean();
  static final AtomicInteger succeedOneIn = new AtomicInteger();
  private static final AtomicInteger calls = new AtomicInteger();
  static final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  static final Map<String, Queue<Instant>> attemptTimes = new ConcurrentHashMap<>();

  private ScriptedService() {}

  static ServiceDefinition definition() {
    return new ServiceDefinition(
        NAME,
        Topology.INVENTORY_QUEUE,
        Map.of(EventType.ORDER_CREATED, ScriptedService::handle),
        List.of());
  }

  static void reset() {
    dependencyDown.set(false);
    rejectEverything.set(false);
    succeedOneIn.set(0);
    calls.set(0);
    attempts.clear();
    attemptTimes.clear();
  }

  private static void handle(EventEnvelope event, HandlerContext context) throws SQLException {
    OrderCreated order = event.payloadAs(OrderCreated.class);
    String script = order.customerId();
    int attempt =
        attempts.computeIfAbsent(order.orderId(), id -> new AtomicInteger()).incrementAndGet();
    attemptTimes
        .computeIfAbsent(order.orderId(), id -> new ConcurrentLinkedQueue<>())
        .add(Instant.now());
    if (dependencyDown.get()) {
      throw new TransientFailureException("dependency down");
    }
    int flapping = succeedOneIn.get();
    if (flapping > 0 && calls.incrementAndGet() % flapping != 0) {
      throw new TransientFailureException("dependency flapping");
    }
    if (script.equals("crash")) {
      Runtime.getRuntime().halt(3);
    }
    if (script.equals("permanent") || rejectEverything.get()) {
      throw new PermanentFailureException("order " + order.orderId() + " can never be served");
    }
    if (script.equals("always-transient")) {
      throw new TransientFailureException("still failing (attempt " + attempt + ")");
    }
    if (script.startsWith("transient-") && attempt <= Integer.parseInt(script.substring(10))) {
      throw new TransientFailureException("failing attempt " + attempt);
    }
    try (PreparedStatement insert =
        context
            .connection()
            .prepareStatement("INSERT INTO applied (order_id, event_id) VALUES (?, ?)")) {
      insert.setString(1, order.orderId());
      insert.setString(2, event.eventId().toString());
      insert.executeUpdate();
    }
    context.emit(
        new InventoryReserved(
            order.orderId(),
            UUID.randomUUID().toString(),
            order.items().stream()
                .map(i -> new ReservedItem(i.productId(), i.quantity()))
                .toList()));
  }

  /** Rows in {@code applied}: total and distinct orders. */
  static long[] appliedCounts(Connection connection) throws SQLException {
    try (PreparedStatement query =
            connection.prepareStatement("SELECT COUNT(*), COUNT(DISTINCT order_id) FROM applied");
        ResultSet rows = query.executeQuery()) {
      rows.next();
      return new long[] {rows.getLong(1), rows.getLong(2)};
    }
  }
}
