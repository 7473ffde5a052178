package orderflow.orderservice;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import orderflow.consume.EventHandler;
import orderflow.consume.HandlerContext;
import orderflow.envelope.CustomerDataErased;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.store.Dialect;

/**
 * The order service's handler for every order event: appends it to the order event store and, when
 * it was new, folds the order's events into its read-model row, in the caller's transaction. {@code
 * ownEvents}: committed by this process's order API, so already applied.
 */
public record OrderProjector(Dialect dialect, Clock clock, OwnEvents ownEvents)
    implements EventHandler {
  private static final EventCodec CODEC = new EventCodec();
  private static final OrderEventStore STORE = new OrderEventStore();
  private static final OrderReadModel READ_MODEL = new OrderReadModel();

  public OrderProjector(Dialect dialect, Clock clock) {
    this(dialect, clock, new OwnEvents(1));
  }

  @Override
  public void handle(EventEnvelope event, HandlerContext context) throws Exception {
    record(context.connection(), event);
  }

  @Override
  public boolean alreadyApplied(EventEnvelope event, byte[] body) {
    return ownEvents.takeCommitted(event, body);
  }

  void record(Connection connection, EventEnvelope event) throws SQLException {
    if (event.payload() instanceof CustomerDataErased) {
      // Made where the key was destroyed, in the same transaction: nothing to store or fold.
      return;
    }
    String orderId = event.payload().orderId();
    OrderEventStore.lock(connection, dialect, orderId);
    if (STORE.append(connection, event, CODEC.encode(event), clock.instant())) {
      READ_MODEL.save(
          connection,
          OrderFold.fold(orderId, OrderEventStore.events(STORE.history(connection, orderId))));
    }
  }

  /** The first event of an order with a fresh random id: its history is this one event. */
  void recordFirst(Connection connection, EventEnvelope event, byte[] body) throws SQLException {
    if (!STORE.append(connection, event, body, clock.instant())) {
      throw new IllegalStateException("event " + event.eventId() + " was already stored");
    }
    READ_MODEL.save(connection, OrderFold.fold(event.payload().orderId(), List.of(event)));
  }
}
