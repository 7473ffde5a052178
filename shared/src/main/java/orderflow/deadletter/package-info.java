/**
 * The dead-letter wire format, one type shared by its writers (the consumer runtime, the legacy
 * bridge) and its readers (the {@code dlq} tools, the metrics' reason labels): {@link
 * orderflow.deadletter.DeadLetterHeaders}. docs/architecture.md section 6.
 */
package orderflow.deadletter;
