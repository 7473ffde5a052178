package orderflow.store;

import java.util.Objects;
import orderflow.publish.OutgoingMessage;

/**
 * An event just written to the outbox, as its transaction's owner publishes it after commit.
 *
 * @param id the outbox row's id, by which it is marked sent
 * @param message the message to publish, with the event's AMQP properties
 */
public record OutboxEntry(long id, OutgoingMessage message) {
  public OutboxEntry {
    Objects.requireNonNull(message, "message");
  }
}
