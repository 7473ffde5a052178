package orderflow.consume.engine;

import orderflow.envelope.EventEnvelope;

/**
 * What became of one delivery. Each outcome maps to exactly one broker action, in {@link
 * DeliverySettler}: applied, already applied and duplicate are acked (after commit), retry goes to
 * a delay queue, dead letter to the DLQ.
 */
sealed interface Outcome {
  /** What failed, for a retry or a dead letter; else null. */
  default Throwable cause() {
    return null;
  }

  /** The effect was committed. */
  record Applied(EventEnvelope event) implements Outcome {}

  /** Acked without a transaction: {@link orderflow.consume.EventHandler#alreadyApplied}. */
  record AlreadyApplied(EventEnvelope event) implements Outcome {}

  /** The inbox already had this eventId: nothing applied again. */
  record Duplicate(EventEnvelope event) implements Outcome {}

  /** A transient failure: try again after a delay (or dead-letter when retries are exhausted). */
  record Retry(Throwable cause) implements Outcome {}

  /** Can never succeed as it is. */
  record DeadLetter(String reason, Throwable cause) implements Outcome {}
}
