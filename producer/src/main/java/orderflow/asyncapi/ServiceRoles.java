package orderflow.asyncapi;

import java.util.List;
import orderflow.asyncapi.ServiceRole.LegacyRole;
import orderflow.envelope.EventType;
import orderflow.topology.Topology;

/** Who sends and who receives what (DESIGN section 1): the programs of this repository. */
final class ServiceRoles {
  private ServiceRoles() {}

  static List<ServiceRole> all() {
    return List.of(
        new ServiceRole(
            "producer",
            "The command-line producer (producer order, producer load, producer saga).",
            null,
            List.of(EventType.ORDER_CREATED),
            LegacyRole.NONE),
        new ServiceRole(
            "order-service",
            "The order service (producer serve): POST /orders publishes; it folds every order"
                + " event into its read model.",
            Topology.ORDERS_VIEW_QUEUE,
            List.of(EventType.ORDER_CREATED),
            LegacyRole.NONE),
        new ServiceRole(
            "consumer-inventory",
            "Reserves stock for each order; also takes version 1 orders from the legacy queue and"
                + " republishes them as version 2.",
            Topology.INVENTORY_QUEUE,
            List.of(
                EventType.INVENTORY_RESERVED,
                EventType.INVENTORY_REJECTED,
                EventType.ORDER_CREATED),
            LegacyRole.RECEIVES),
        new ServiceRole(
            "consumer-shipping",
            "Creates a shipment for each reserved order.",
            Topology.SHIPPING_QUEUE,
            List.of(EventType.ORDER_SHIPPED),
            LegacyRole.NONE),
        new ServiceRole(
            "legacy-order-service",
            "Seed 000's pika producer: version 1 OrderCreated through the default exchange.",
            null,
            List.of(),
            LegacyRole.SENDS));
  }
}
