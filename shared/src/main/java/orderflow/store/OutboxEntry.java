package orderflow.store;

import orderflow.publish.OutgoingMessage;

/** An outbox row to publish after its commit; {@code id} marks it sent. */
public record OutboxEntry(long id, OutgoingMessage message) {}
