/**
 * The order service's domain: the append-only order event store, the read model folded from it
 * (event sourcing and CQRS), the projection handler the consumer runtime calls, and the order HTTP
 * API. The command line lives in {@code orderflow.producer}.
 */
package orderflow.orderservice;
