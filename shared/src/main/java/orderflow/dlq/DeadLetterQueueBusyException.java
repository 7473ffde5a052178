package orderflow.dlq;

import java.io.IOException;

/**
 * Another {@code dlq} operation holds the dead-letter queue; trying again later will work.
 * Thread-safe once thrown (nothing in it changes).
 */
public final class DeadLetterQueueBusyException extends IOException {
  private static final long serialVersionUID = 1L;

  DeadLetterQueueBusyException(String queue) {
    super(
        "busy, try again: another dlq command is working on "
            + queue
            + " (it holds every letter while it runs)");
  }
}
