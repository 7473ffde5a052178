package orderflow.consume;

import java.sql.Connection;
import orderflow.envelope.EventPayload;

/** What a handler may use while it applies one event. Valid only during that call. */
public interface HandlerContext {
  /** The connection of the ongoing transaction. Do not commit, roll back or close it. */
  Connection connection();

  /**
   * Writes an event caused by the one being handled to the outbox, in the same transaction. It
   * carries the saga's correlation id and the handled event's id as causation id, and is published
   * after commit.
   */
  void emit(EventPayload payload);
}
