package orderflow.orderservice;

import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import orderflow.consume.EventHandler;
import orderflow.consume.ServiceDefinition;
import orderflow.envelope.EventType;
import orderflow.store.Dialect;
import orderflow.store.Migration;
import orderflow.topology.Topology;

/** What the order service is, for the consumer runtime: every event type into the projector. */
public final class OrderService {
  /** The service's name: its consumer, its inbox, its schema component, {@code data/orders.db}. */
  public static final String NAME = "orders";

  private OrderService() {}

  public static ServiceDefinition definition(Dialect dialect, Clock clock) {
    OrderProjector projector = new OrderProjector(dialect, clock);
    Map<EventType, EventHandler> handlers = new EnumMap<>(EventType.class);
    for (EventType type : EventType.values()) {
      handlers.put(type, projector);
    }
    return new ServiceDefinition(
        NAME, Topology.ORDERS_VIEW_QUEUE, migrations(), handlers, List.of());
  }

  /** The order service's schema, for the query commands that open its database. */
  public static List<Migration> migrations() {
    return OrderSchema.migrations();
  }
}
