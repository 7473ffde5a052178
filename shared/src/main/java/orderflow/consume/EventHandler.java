package orderflow.consume;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import orderflow.envelope.EventEnvelope;

/**
 * Applies one event. Called inside the runtime's database transaction, after the event's id was
 * recorded in the inbox; everything written through {@link HandlerContext#connection()} and every
 * event passed to {@link HandlerContext#emit} commits together, or not at all.
 *
 * <p>Throw {@link TransientFailureException} to have the event retried later, {@link
 * PermanentFailureException} to dead-letter it. Never ack, publish or commit here.
 */
@FunctionalInterface
public interface EventHandler {
  void handle(EventEnvelope event, HandlerContext context) throws Exception;

  /**
   * Called once per batch transaction, before any of {@code events} is handled, with every event of
   * the batch that this handler may handle (some may turn out to be duplicates). A handler whose
   * events lock shared rows locks them here in one fixed order, so two instances applying batches
   * on one PostgreSQL cannot deadlock. Throwing fails the batch like a failing {@link #handle}.
   */
  default void prepareBatch(List<EventEnvelope> events, Connection connection)
      throws SQLException {}

  /**
   * True when this process itself committed this very event ({@code body} byte for byte) together
   * with its effect, so the delivery is acked with no transaction and no inbox row. Answer false
   * when unsure: the inbox path is idempotent by event id and always safe. Called on the consumer
   * thread, before the batch's transaction.
   */
  default boolean alreadyApplied(EventEnvelope event, byte[] body) {
    return false;
  }
}
