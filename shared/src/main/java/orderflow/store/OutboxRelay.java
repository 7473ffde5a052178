package orderflow.store;

import java.time.Duration;

/**
 * STUB. Publishes committed outbox rows with publisher confirms, in id order, and marks them sent.
 * Runs on its own thread with its own channel (recreated after a channel or connection failure).
 * After a crash it sends again whatever was not marked: consumers' inboxes absorb the duplicates. A
 * row the broker returns as unroutable (no queue bound for that event type) counts as sent.
 *
 * <p>This class is thread-safe.
 */
public final class OutboxRelay implements AutoCloseable {
  public static final int DEFAULT_BATCH_SIZE = 500;
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);

  /**
   * @param connection the broker connection to open the relay's channel on
   * @param name thread name prefix, e.g. {@code inventory}
   */
  public OutboxRelay(Database database, com.rabbitmq.client.Connection connection, String name) {
    throw new UnsupportedOperationException();
  }

  /** Starts the relay thread. */
  public void start() {
    throw new UnsupportedOperationException();
  }

  /** Tells the relay new rows were committed, so it does not wait for the next poll. */
  public void wakeUp() {
    throw new UnsupportedOperationException();
  }

  /**
   * Publishes until no unsent row remains or {@code timeout} passes; true if the backlog is empty.
   */
  public boolean flush(Duration timeout) throws InterruptedException {
    throw new UnsupportedOperationException();
  }

  /** Rows committed but not yet confirmed by the broker (a gauge for metrics). */
  public long backlog() {
    throw new UnsupportedOperationException();
  }

  /** Stops the thread and closes the channel; unsent rows stay for the next start. */
  @Override
  public void close() {
    throw new UnsupportedOperationException();
  }
}
