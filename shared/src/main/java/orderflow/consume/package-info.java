/**
 * The consumer runtime (docs/architecture.md section 5): manual acks, failure classes, delayed
 * retries through TTL queues, self-explaining dead letters, inbox/outbox transactions, a circuit
 * breaker, graceful shutdown and recovery. A service supplies {@link
 * orderflow.consume.EventHandler}s; the runtime does the rest.
 */
package orderflow.consume;
