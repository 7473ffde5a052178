package orderflow.publish;

/**
 * How the broker answered one publish. Only {@link #CONFIRMED} means the broker has the message.
 */
public enum PublishOutcome {
  /** Routed to at least one queue and confirmed (persisted for durable queues). */
  CONFIRMED,
  /** The broker refused it (basic.nack), e.g. a queue at its length limit with reject-publish. */
  NACKED,
  /** No queue was bound to take it (basic.return of a mandatory publish). */
  RETURNED,
  /**
   * No answer within the timeout, or the channel closed first: the broker may or may not have it.
   */
  UNCONFIRMED;

  public boolean confirmed() {
    return this == CONFIRMED;
  }
}
