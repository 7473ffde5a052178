package orderflow.dlq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * One {@code dlq} operation at a time per dead-letter queue, held as an exclusive queue named
 * {@code <dlq>.lock}: the broker lets one connection own it, refuses it to others ({@code
 * RESOURCE_LOCKED}) and deletes it when its connection dies, so a crashed operator tool never
 * leaves it behind.
 *
 * <p>Why: an operation holds every letter unacknowledged while it runs, so a second one running at
 * the same time would see an empty queue and report "no dead letters". It waits for the lock
 * instead, then says "busy, try again".
 *
 * <p>Not thread-safe: acquired and released by one thread.
 */
final class DeadLetterLock implements AutoCloseable {
  private static final int RESOURCE_LOCKED = 405;
  private static final Duration RETRY_INTERVAL = Duration.ofMillis(100);

  private final Channel channel;
  private final String name;

  private DeadLetterLock(Channel channel, String name) {
    this.channel = channel;
    this.name = name;
  }

  /**
   * @throws DeadLetterQueueBusyException when another connection still holds it after {@code wait}
   */
  static DeadLetterLock acquire(Connection connection, String queue, Duration wait)
      throws IOException, InterruptedException {
    String name = queue + ".lock";
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      Channel channel = connection.createChannel();
      try {
        channel.queueDeclare(name, false, true, true, Map.of("x-queue-type", "classic"));
        return new DeadLetterLock(channel, name);
      } catch (IOException e) {
        // The refusal closes the channel; anything but RESOURCE_LOCKED is a real failure.
        if (!lockedByAnother(e)) {
          throw e;
        }
      }
      if (System.nanoTime() >= deadline) {
        throw new DeadLetterQueueBusyException(queue);
      }
      Thread.sleep(RETRY_INTERVAL.toMillis());
    }
  }

  private static boolean lockedByAnother(IOException e) {
    return e.getCause() instanceof ShutdownSignalException signal
        && signal.getReason() instanceof com.rabbitmq.client.AMQP.Channel.Close close
        && close.getReplyCode() == RESOURCE_LOCKED;
  }

  /** Deletes the lock queue; if the connection is already gone, the broker has done it. */
  @Override
  public void close() throws IOException {
    try {
      if (channel.isOpen()) {
        channel.queueDelete(name);
        channel.close();
      }
    } catch (TimeoutException | ShutdownSignalException e) {
      // The channel or connection closed under us: the exclusive queue went with it.
    }
  }
}
