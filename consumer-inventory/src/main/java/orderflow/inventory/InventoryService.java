package orderflow.inventory;

import java.util.List;
import java.util.Map;
import orderflow.consume.ServiceDefinition;
import orderflow.envelope.EventType;
import orderflow.topology.Topology;

/** What the inventory service is, for the consumer runtime. */
public final class InventoryService {
  public static final String NAME = "inventory";

  private InventoryService() {}

  public static ServiceDefinition definition(int defaultStock) {
    ReleaseReservationHandler release = new ReleaseReservationHandler();
    return new ServiceDefinition(
        NAME,
        Topology.INVENTORY_QUEUE,
        Map.of(
            EventType.ORDER_CREATED,
            new ReserveInventoryHandler(defaultStock),
            EventType.SHIPMENT_CANCELLED,
            release,
            EventType.SHIPMENT_FAILED,
            release),
        List.of(LegacyOrderBridge.definition()));
  }
}
