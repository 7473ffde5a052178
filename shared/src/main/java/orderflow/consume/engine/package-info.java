/**
 * The consumer runtime (docs/architecture.md section 5): manual acks, failure classes, delayed
 * retries through TTL queues, self-explaining dead letters, inbox/outbox transactions, a circuit
 * breaker, draining on shutdown and recovery. It calls a service's {@link
 * orderflow.consume.EventHandler}s; where a delivery is acked: {@link
 * orderflow.consume.engine.DeliverySettler}; where a failure is classified: {@link
 * orderflow.consume.engine.BatchApplier}; the grouped transaction both the consumers and the order
 * API use: {@link orderflow.consume.engine.GroupTransaction}.
 */
package orderflow.consume.engine;
