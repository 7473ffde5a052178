/**
 * Operator tooling for dead letters (docs/architecture.md sections 6 and 9.3): read the failure
 * headers the consumer runtime (or the broker's delivery limit) left on messages in {@code
 * <queue>.dlq}, list and show them without removing them, replay them to where they were first
 * published with a confirm before removal, and purge them. {@link orderflow.dlq.DlqCommand} mounts
 * it as the {@code dlq} subcommand of each consumer service.
 */
package orderflow.dlq;
