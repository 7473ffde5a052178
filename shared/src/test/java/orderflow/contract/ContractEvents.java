package orderflow.contract;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import orderflow.envelope.CancellationRefused;
import orderflow.envelope.CustomerDataErased;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventLimits;
import orderflow.envelope.InventoryRejected;
import orderflow.envelope.InventoryReleased;
import orderflow.envelope.InventoryReserved;
import orderflow.envelope.OrderCancelled;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.OrderItem;
import orderflow.envelope.OrderShipped;
import orderflow.envelope.ReservedItem;
import orderflow.envelope.ShipmentCancelled;
import orderflow.envelope.ShipmentFailed;
import orderflow.envelope.ShippingAddress;
import orderflow.envelope.Shortage;

/** Events of every type, from the ordinary to the largest the limits allow. */
final class ContractEvents {
  /** A product id of the longest length, using every character the rule allows. */
  static final String LONGEST_PRODUCT_ID = "Z9" + "a_.-/".repeat(25) + "x".repeat(1);

  /** Just under {@link EventLimits#PRICE_LIMIT}, with every decimal allowed. */
  static final BigDecimal LARGEST_PRICE = new BigDecimal("999999999999999.999999");

  private ContractEvents() {}

  static List<EventEnvelope> all() {
    EventEnvelope order = EventEnvelope.first(ordinaryOrder(), "producer");
    EventEnvelope largest = EventEnvelope.first(largestOrder(), "producer");
    String orderId = order.payload().orderId();
    EventEnvelope reserved =
        EventEnvelope.causedBy(
            order,
            new InventoryReserved(
                orderId, "res-1", List.of(new ReservedItem("sku-1", 2), new ReservedItem("b", 1))),
            "consumer-inventory");
    EventEnvelope rejected =
        EventEnvelope.causedBy(
            order,
            new InventoryRejected(
                orderId,
                List.of(new Shortage("sku-1", 2, 0), new Shortage("sku-2", Integer.MAX_VALUE, 7))),
            "consumer-inventory");
    EventEnvelope shipped =
        EventEnvelope.causedBy(
            reserved,
            new OrderShipped(orderId, "ship-1", "Kühne + Nagel ✈", "TRK-" + "9".repeat(124)),
            "consumer-shipping");
    EventEnvelope addressed = EventEnvelope.first(addressedOrder(), "order-service");
    EventEnvelope reservedWithAddress =
        EventEnvelope.causedBy(
            addressed,
            new InventoryReserved(
                "o-3",
                "res-3",
                List.of(new ReservedItem("sku-1", 1)),
                ShippingAddress.country("AQ")),
            "inventory");
    String longestReason = "r".repeat(EventLimits.MAX_REASON_CHARS);
    EventEnvelope cancelled =
        EventEnvelope.first(new OrderCancelled(orderId, "customer changed their mind"), "producer");
    EventEnvelope refused =
        EventEnvelope.causedBy(
            cancelled, new CancellationRefused(orderId, longestReason), "shipping");
    EventEnvelope shipmentCancelled =
        EventEnvelope.causedBy(cancelled, new ShipmentCancelled(orderId, "cancelled"), "shipping");
    EventEnvelope failed =
        EventEnvelope.causedBy(
            reservedWithAddress, new ShipmentFailed("o-3", "no carrier serves AQ"), "shipping");
    EventEnvelope released =
        EventEnvelope.causedBy(
            failed,
            new InventoryReleased(
                "o-3", "res-3", List.of(new ReservedItem("sku-1", 1)), "no carrier serves AQ"),
            "inventory");
    return List.of(
        order,
        EventEnvelope.first(oneLineOrder("49.95"), "producer"),
        EventEnvelope.first(oneLineOrder("0.1"), "producer"),
        largest,
        unpricedOrder(),
        reserved,
        rejected,
        shipped,
        addressed,
        reservedWithAddress,
        cancelled,
        refused,
        shipmentCancelled,
        failed,
        released,
        EventEnvelope.first(new CustomerDataErased(UUID.randomUUID().toString(), "c-3"), "orders"));
  }

  /**
   * An encrypted value of the shortest and of the longest length ({@link ShippingAddress#SEALED}).
   */
  static final String SHORTEST_SEALED = "enc1.k." + "A".repeat(39);

  static final String LONGEST_SEALED = "enc1." + "K-_9".repeat(16) + "." + "z_-0".repeat(180);

  /** An order whose address's personal fields are encrypted (values of the right shape). */
  static OrderCreated addressedOrder() {
    return OrderCreated.of(
        "o-3",
        "c-3",
        List.of(new OrderItem("sku-1", 1, BigDecimal.ONE)),
        new ShippingAddress(SHORTEST_SEALED, LONGEST_SEALED, null, "NL"));
  }

  static OrderCreated ordinaryOrder() {
    return OrderCreated.of(
        UUID.randomUUID().toString(),
        "customer-7",
        List.of(
            new OrderItem("sku-1", 2, new BigDecimal("19.99")),
            new OrderItem("sku-2", 3, new BigDecimal("0.10")),
            new OrderItem("sku-3", 1, new BigDecimal("10.00"))));
  }

  /**
   * One unit at {@code price}, so the total is the price too: with 49.95 or 0.1, which no binary
   * float holds exactly, a validator checking {@code multipleOf: 0.000001} on floats refuses both.
   */
  static OrderCreated oneLineOrder(String price) {
    return OrderCreated.of(
        UUID.randomUUID().toString(),
        "customer-8",
        List.of(new OrderItem("sku-1", 1, new BigDecimal(price))));
  }

  /** {@link EventLimits#MAX_ITEMS} lines of the largest quantity at the largest price. */
  static OrderCreated largestOrder() {
    List<OrderItem> items = new ArrayList<>();
    for (int line = 0; line < EventLimits.MAX_ITEMS; line++) {
      String productId = LONGEST_PRODUCT_ID.substring(0, EventLimits.MAX_ID_CHARS - 3) + line;
      items.add(new OrderItem(productId, EventLimits.MAX_QUANTITY, LARGEST_PRICE));
    }
    return OrderCreated.of("o".repeat(EventLimits.MAX_ID_CHARS), "客户-é-🙂", items);
  }

  private static EventEnvelope unpricedOrder() {
    return EventEnvelope.first(
        new OrderCreated(
            "o-2", "c-2", List.of(new OrderItem("sku-1", 1, null)), new BigDecimal("0"), null),
        "legacy-order-service");
  }
}
