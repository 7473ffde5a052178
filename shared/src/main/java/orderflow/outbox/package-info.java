/**
 * The broker side of the outbox: the process's one {@link orderflow.outbox.OutboxPublisher}
 * publishes the rows {@code orderflow.store.Outbox} committed, handed over by the pipeline that
 * committed them or found unsent in the table. docs/architecture.md section 5.3.
 */
package orderflow.outbox;
