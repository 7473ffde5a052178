package orderflow.orderservice;

import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import orderflow.consume.EventHandler;
import orderflow.consume.ServiceDefinition;
import orderflow.envelope.EventType;
import orderflow.orderservice.auth.TokenVerifier;
import orderflow.store.Database;
import orderflow.store.Dialect;
import orderflow.store.OutboxEntry;
import orderflow.topology.Topology;

/** What the order service is, for the consumer runtime: every event type into the projector. */
public final class OrderService {
  /** The service's name: its consumer, its inbox, its schema component, {@code data/orders.db}. */
  public static final String NAME = "orders";

  private OrderService() {}

  public static ServiceDefinition definition(Dialect dialect, Clock clock) {
    return definition(dialect, clock, new OwnEvents());
  }

  /** {@code ownEvents}: what this process's API committed, acked cheaply when it comes back. */
  public static ServiceDefinition definition(Dialect dialect, Clock clock, OwnEvents ownEvents) {
    OrderProjector projector = new OrderProjector(dialect, clock, ownEvents);
    Map<EventType, EventHandler> handlers = new EnumMap<>(EventType.class);
    for (EventType type : EventType.values()) {
      handlers.put(type, projector);
    }
    return new ServiceDefinition(NAME, Topology.ORDERS_VIEW_QUEUE, handlers, List.of());
  }

  /**
   * The order API of a service defined with {@code ownEvents}: what it commits is remembered there
   * before {@code publish} takes it, so none of it can come back unknown.
   */
  public static OrderApi api(
      Database database,
      String exchange,
      Clock clock,
      OwnEvents ownEvents,
      Consumer<List<OutboxEntry>> publish,
      TokenVerifier verifier) {
    return new OrderApi(
        database,
        exchange,
        clock,
        committed -> {
          ownEvents.committed(committed);
          publish.accept(committed);
        },
        verifier);
  }
}
