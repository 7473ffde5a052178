package orderflow.asyncapi;

import java.util.List;
import orderflow.asyncapi.ServiceRole.LegacyRole;
import orderflow.envelope.EventType;
import orderflow.topology.Topology;

/**
 * Who sends and who receives what (docs/architecture.md section 1): the programs of this
 * repository.
 */
final class ServiceRoles {
  private ServiceRoles() {}

  static List<ServiceRole> all() {
    return List.of(
        new ServiceRole(
            "producer",
            "The command-line producer (producer order, producer load, producer saga, producer"
                + " cancel).",
            null,
            List.of(EventType.ORDER_CREATED, EventType.ORDER_CANCELLED),
            LegacyRole.NONE),
        new ServiceRole(
            "order-service",
            "The order service (producer serve): POST /orders and POST /orders/{id}/cancel"
                + " publish, and an erasure (producer customers erase) through its outbox; it"
                + " folds every order event into its read model.",
            Topology.ORDERS_VIEW_QUEUE,
            List.of(
                EventType.ORDER_CREATED, EventType.ORDER_CANCELLED, EventType.CUSTOMER_DATA_ERASED),
            LegacyRole.NONE),
        new ServiceRole(
            "consumer-inventory",
            "Reserves stock for each order and releases it when shipping cancels or fails the"
                + " order; also takes version 1 orders from the legacy queue and republishes them"
                + " upcast.",
            Topology.INVENTORY_QUEUE,
            List.of(
                EventType.INVENTORY_RESERVED,
                EventType.INVENTORY_REJECTED,
                EventType.INVENTORY_RELEASED,
                EventType.ORDER_CREATED),
            LegacyRole.RECEIVES),
        new ServiceRole(
            "consumer-shipping",
            "Creates a shipment for each reserved order, refuses one no carrier can deliver, and"
                + " decides each cancellation (it wins unless the order has shipped).",
            Topology.SHIPPING_QUEUE,
            List.of(
                EventType.ORDER_SHIPPED,
                EventType.SHIPMENT_FAILED,
                EventType.SHIPMENT_CANCELLED,
                EventType.CANCELLATION_REFUSED),
            LegacyRole.NONE),
        new ServiceRole(
            "legacy-order-service",
            "Seed 000's pika producer: version 1 OrderCreated through the default exchange.",
            null,
            List.of(),
            LegacyRole.SENDS));
  }
}
