package orderflow.store;

import java.util.Objects;
import orderflow.publish.OutgoingMessage;

/** An outbox row to publish after its commit; {@code id} marks it sent. */
public record OutboxEntry(long id, OutgoingMessage message) {
  public OutboxEntry {
    Objects.requireNonNull(message, "message");
  }
}
