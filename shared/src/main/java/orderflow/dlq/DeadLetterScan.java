package orderflow.dlq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Takes the messages of a dead-letter queue one at a time ({@code basic.get}), holding each
 * unacknowledged on a channel of its own so it is not taken twice; each can then be removed ({@link
 * #remove}); every message not removed goes back to the queue when the scan closes.
 *
 * <p>One message at a time, so memory holds one body, however large, not the whole queue: the
 * caller reads what it needs from a message and lets it go before taking the next. It takes at most
 * the depth observed when it opens (capped at {@code maxScan}) and stops early when nothing more is
 * ready, and holds the queue's {@link DeadLetterLock} throughout, so that two operations never see
 * each other's held letters as an empty queue.
 *
 * <p>Returning a message to a quorum queue counts as a delivery on RabbitMQ before 4.3 ({@code
 * x-delivery-count} grows with each browse). Our dead-letter queues are declared without a delivery
 * limit, which on 3.x means none; RabbitMQ 4.0 to 4.2 apply a default limit of 20 unless the queue
 * or a policy sets one, so there the DLQ needs a policy raising it.
 *
 * <p>Not thread-safe: one thread drives a scan.
 */
final class DeadLetterScan implements AutoCloseable {
  private static final Duration RETURN_VISIBLE_TIMEOUT = Duration.ofSeconds(5);

  private final DeadLetterLock lock;
  private final Channel channel;
  private final String queue;
  private final int maxScan;
  private int taken;
  private int removed;

  private DeadLetterScan(DeadLetterLock lock, Channel channel, String queue, int maxScan) {
    this.lock = lock;
    this.channel = channel;
    this.queue = queue;
    this.maxScan = maxScan;
  }

  /**
   * @throws DeadLetterQueueBusyException when another operation holds the queue past {@code
   *     lockWait}
   */
  static DeadLetterScan open(Connection connection, String queue, int maxScan, Duration lockWait)
      throws IOException, InterruptedException {
    DeadLetterLock lock = DeadLetterLock.acquire(connection, queue, lockWait);
    try {
      Channel channel = connection.createChannel();
      // Only what is there now: a letter replayed and dead-lettered again during this scan must
      // not be taken a second time. (Fails with NOT_FOUND, naming the queue, if there is none.)
      int depth = channel.queueDeclarePassive(queue).getMessageCount();
      return new DeadLetterScan(lock, channel, queue, Math.min(depth, maxScan));
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /** The next message, held until removed or until the scan closes; null when there is none. */
  GetResponse next() throws IOException {
    if (taken >= maxScan) {
      return null;
    }
    GetResponse response = channel.basicGet(queue, false);
    if (response != null) {
      taken++;
    }
    return response;
  }

  /** Messages taken so far. */
  int taken() {
    return taken;
  }

  /** Acknowledges: the broker deletes the message. */
  void remove(GetResponse message) throws IOException {
    channel.basicAck(message.getEnvelope().getDeliveryTag(), false);
    removed++;
  }

  /** Returns every message still held, closes the channel, then releases the lock. */
  @Override
  public void close() throws IOException {
    try (lock) {
      int returning = taken - removed;
      try {
        if (channel.isOpen() && returning > 0) {
          // Tag 0 with multiple=true: every message this channel still holds.
          channel.basicNack(0, true, true);
        }
        awaitReturned(returning);
        if (channel.isOpen()) {
          channel.close();
        }
      } catch (TimeoutException | ShutdownSignalException e) {
        // The channel is gone: the broker returned every unacknowledged message itself.
      }
    }
  }

  /**
   * A quorum queue applies returns asynchronously: wait (bounded) until they are counted again, so
   * the next operation sees them in the queue.
   */
  private void awaitReturned(int returning) throws IOException {
    if (returning == 0 || !channel.isOpen()) {
      return;
    }
    long deadline = System.nanoTime() + RETURN_VISIBLE_TIMEOUT.toNanos();
    while (channel.queueDeclarePassive(queue).getMessageCount() < returning
        && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
