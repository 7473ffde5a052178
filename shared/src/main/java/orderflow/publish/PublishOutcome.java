package orderflow.publish;

/** How the broker answered one publish. Only {@link #CONFIRMED} means the broker has it. */
public enum PublishOutcome {
  CONFIRMED,
  /** basic.nack, such as a full queue with reject-publish. */
  NACKED,
  /** basic.return: no queue was bound to take it. */
  RETURNED,
  /** No answer within the timeout, or the channel closed: the broker may have it or not. */
  UNCONFIRMED;

  public boolean confirmed() {
    return this == CONFIRMED;
  }
}
