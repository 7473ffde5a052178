package orderflow.store;

/** One unsent outbox row as the relay reads it ({@link OutboxRows#unsent}). Immutable. */
public record OutboxRow(long id, String eventId, String exchange, String routingKey, byte[] body) {}
