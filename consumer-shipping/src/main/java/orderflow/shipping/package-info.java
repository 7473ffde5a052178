/**
 * The shipping service: turns {@code InventoryReserved} into one shipment per order and announces
 * it with {@code OrderShipped}; plus its query command {@code shipments}.
 */
package orderflow.shipping;
