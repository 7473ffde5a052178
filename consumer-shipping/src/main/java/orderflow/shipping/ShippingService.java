package orderflow.shipping;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import orderflow.consume.ServiceDefinition;
import orderflow.envelope.EventType;
import orderflow.topology.Topology;

/**
 * What the shipping service is for the consumer runtime: its queue, schema, and its handlers for
 * reservations (ship or refuse) and cancellations (decide the race).
 */
public final class ShippingService {
  /** The consumer's name: in dead letters, the inbox, and the default {@code data/shipping.db}. */
  public static final String NAME = "shipping";

  private ShippingService() {}

  public static ServiceDefinition definition(Clock clock) {
    return new ServiceDefinition(
        NAME,
        Topology.SHIPPING_QUEUE,
        ShippingSchema.MIGRATIONS,
        Map.of(
            EventType.INVENTORY_RESERVED,
            new CreateShipmentHandler(clock),
            EventType.ORDER_CANCELLED,
            new CancelShipmentHandler(clock)),
        List.of());
  }
}
