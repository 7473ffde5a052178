/** The shipping service: one shipment per reserved order, and its {@code shipments} query. */
package orderflow.shipping;
