package orderflow.consume;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import orderflow.envelope.EventEnvelope;

/**
 * Applies one event inside the runtime's transaction, after its id was recorded in the inbox: what
 * is written through {@link HandlerContext#connection()} and emitted commits together, or not at
 * all. Throw {@link TransientFailureException} to retry later, {@link PermanentFailureException} to
 * dead-letter. Never ack, publish or commit here.
 */
@FunctionalInterface
public interface EventHandler {
  void handle(EventEnvelope event, HandlerContext context) throws Exception;

  /**
   * Called once per batch transaction, before any of {@code events} (some may be duplicates) is
   * handled: lock shared rows here in one fixed order, so two instances cannot deadlock.
   */
  default void prepareBatch(List<EventEnvelope> events, Connection connection)
      throws SQLException {}

  /**
   * True when this process itself committed this very event ({@code body} byte for byte) with its
   * effect: the delivery is acked with no transaction. Answer false when unsure: the inbox is safe.
   */
  default boolean alreadyApplied(EventEnvelope event, byte[] body) {
    return false;
  }
}
