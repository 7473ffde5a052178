package orderflow.consume;

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
}
