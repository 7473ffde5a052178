package orderflow.consume.process;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import orderflow.consume.EventHandler;
import orderflow.consume.HandlerContext;
import orderflow.consume.ServiceDefinition;
import orderflow.envelope.CancellationRefused;
import orderflow.envelope.CustomerDataErased;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventPayload;
import orderflow.envelope.EventType;
import orderflow.envelope.InventoryRejected;
import orderflow.envelope.InventoryReleased;
import orderflow.envelope.InventoryReserved;
import orderflow.envelope.OrderCancelled;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.OrderItem;
import orderflow.envelope.OrderShipped;
import orderflow.envelope.PayloadDigest;
import orderflow.envelope.ReservedItem;
import orderflow.envelope.ShipmentCancelled;
import orderflow.envelope.ShipmentFailed;
import orderflow.envelope.Shortage;
import orderflow.observe.ConsumerMetrics;
import orderflow.store.Database;
import orderflow.store.Inbox;
import orderflow.store.Outbox;
import orderflow.trace.TraceParent;
import org.slf4j.LoggerFactory;

/**
 * Runs the per-event paths on synthetic events before the first real one: the first orders of a
 * fresh start then find them compiled. Writes only in transactions it rolls back, publishes
 * nothing.
 */
public final class WarmUp {
  static final int ROUNDS = 300;
  static final int HANDLER_ROUNDS = 20;

  private WarmUp() {}

  /** Encodes and decodes a synthetic event of each of {@code types}, {@code rounds} times. */
  public static void codec(Collection<EventType> types, int rounds) {
    EventCodec codec = new EventCodec();
    for (int i = 0; i < rounds; i++) {
      types.forEach(type -> codec.decode(codec.encode(EventEnvelope.first(sample(type), "warm"))));
    }
  }

  /**
   * As {@link #codec}, each event also through the inbox, its handler (the first {@link
   * #HANDLER_ROUNDS} rounds: handlers log) and the outbox in a transaction rolled back, and in
   * metrics of a registry of its own.
   */
  static void store(Database database, String exchange, ServiceDefinition service)
      throws SQLException {
    EventCodec codec = new EventCodec();
    ConsumerMetrics scratch = ConsumerMetrics.create(service.name()); // not the service's registry
    for (int i = 0; i < ROUNDS; i++) {
      for (Map.Entry<EventType, EventHandler> handler : service.handlers().entrySet()) {
        EventEnvelope event =
            codec.decode(codec.encode(EventEnvelope.first(sample(handler.getKey()), "warm-up")));
        try (Connection tx = database.open()) {
          Inbox.recordAll(
              tx,
              service.name(),
              List.of(new Inbox.Arrival(event.eventId(), PayloadDigest.of(event))));
          Outbox.addTraced(tx, exchange, List.of(new Outbox.Pending(event, TraceParent.NONE)));
          if (i < HANDLER_ROUNDS) {
            handle(handler.getValue(), event, tx);
          }
          tx.rollback();
        }
        scratch.handlerTime(handler.getKey().wireName(), Duration.ofMillis(i));
        scratch.endToEndLatency(handler.getKey().wireName(), Duration.ofMillis(i));
        scratch.acked(handler.getKey().wireName());
      }
    }
  }

  private static void handle(EventHandler handler, EventEnvelope event, Connection tx) {
    HandlerContext context =
        new HandlerContext() {
          @Override
          public Connection connection() {
            return tx;
          }

          @Override
          public void emit(EventPayload payload) {
            EventEnvelope.causedBy(event, payload, "warm-up");
          }
        };
    try {
      handler.prepareBatch(List.of(event), tx);
      handler.handle(event, context);
    } catch (Exception refused) { // a synthetic event may be; its transaction is rolled back
      LoggerFactory.getLogger(WarmUp.class).debug("warm-up: {}", refused.toString());
    }
  }

  static EventPayload sample(EventType type) {
    String id = "warm-up-" + UUID.randomUUID();
    List<ReservedItem> items = List.of(new ReservedItem("warm-up", 1));
    return switch (type) {
      case ORDER_CREATED ->
          OrderCreated.of(id, id, List.of(new OrderItem("warm-up", 1, BigDecimal.ONE)));
      case INVENTORY_RESERVED -> new InventoryReserved(id, id, items, null);
      case INVENTORY_REJECTED -> new InventoryRejected(id, List.of(new Shortage("warm-up", 2, 1)));
      case ORDER_SHIPPED -> new OrderShipped(id, id, id, id);
      case ORDER_CANCELLED -> new OrderCancelled(id, "warm-up");
      case CANCELLATION_REFUSED -> new CancellationRefused(id, "warm-up");
      case SHIPMENT_CANCELLED -> new ShipmentCancelled(id, "warm-up");
      case SHIPMENT_FAILED -> new ShipmentFailed(id, "warm-up");
      case INVENTORY_RELEASED -> new InventoryReleased(id, id, items, "warm-up");
      case CUSTOMER_DATA_ERASED -> new CustomerDataErased(id, id);
    };
  }
}
