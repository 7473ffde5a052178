package orderflow.consume.process;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
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
 * Runs each handled type's path (codec, inbox, handler, outbox, metrics) on synthetic events, ids
 * {@code warm-up-*}, before the consumer subscribes, so the first orders of a fresh start find it
 * loaded and compiled. Writes only in transactions it rolls back; publishes and counts nothing.
 */
public final class WarmUp {
  static final int ROUNDS = 300;
  static final int HANDLER_ROUNDS = 3; // handlers log: a few rounds load their classes and SQL

  private record Scratch(Connection connection) implements HandlerContext {
    @Override
    public void emit(EventPayload payload) {}
  }

  static void run(Database database, String exchange, ServiceDefinition service)
      throws SQLException {
    EventCodec codec = new EventCodec();
    ConsumerMetrics scratch = ConsumerMetrics.create(service.name()); // not the service's registry
    for (int i = 0; i < ROUNDS; i++) {
      for (Map.Entry<EventType, EventHandler> handler : service.handlers().entrySet()) {
        String type = handler.getKey().wireName();
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
        scratch.handlerTime(type, Duration.ofMillis(i));
        scratch.endToEndLatency(type, Duration.ofMillis(i));
        scratch.acked(type);
      }
    }
  }

  private static void handle(EventHandler handler, EventEnvelope event, Connection tx) {
    try {
      handler.prepareBatch(List.of(event), tx);
      handler.handle(event, new Scratch(tx));
    } catch (Exception refused) { // a synthetic event may be; its transaction is rolled back
      LoggerFactory.getLogger(WarmUp.class).debug("warm-up: {}", refused.toString());
    }
  }

  /** A valid payload of {@code type}, for a new order id. */
  public static EventPayload sample(EventType type) {
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
