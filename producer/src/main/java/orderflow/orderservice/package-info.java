/**
 * The order service: its event store, the read model folded from it, the projection handler, and
 * the order HTTP API.
 */
package orderflow.orderservice;
