package orderflow.store;

/** One unsent outbox row as the relay reads it. */
record OutboxRow(long id, String eventId, String exchange, String routingKey, byte[] body) {}
