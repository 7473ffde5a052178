/**
 * The broker side of the outbox: publishing the rows {@code orderflow.store.Outbox} committed. The
 * pipeline's {@link orderflow.outbox.OutboxDispatcher} publishes each batch's rows right after its
 * commit; the {@link orderflow.outbox.OutboxRelay} sweeps what no pipeline publishes (after a
 * crash, a nack, a lost channel); {@link orderflow.outbox.OutboxClaims} keeps the two apart.
 * docs/architecture.md sections 5.3 and 5.5.
 */
package orderflow.outbox;
