package orderflow.dlq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import orderflow.broker.Channels;

/**
 * Takes the messages of a dead-letter queue one at a time ({@code basic.get}) and holds each
 * unacknowledged until it is removed ({@link #remove}) or the scan closes, which returns the rest.
 * Memory holds one body at a time, however large the queue. It takes at most the depth seen when it
 * opens, so a letter replayed and dead-lettered again during the scan is not taken twice.
 *
 * <p>A scan holds the queue's lock, the exclusive queue {@code <dlq>.lock} on its channel: the
 * broker lets one connection own it, refuses it to others ({@code RESOURCE_LOCKED}) and deletes it
 * when its connection dies. Without it, a second operation would see the held letters as an empty
 * queue; it waits for the lock instead, then fails with {@link DeadLetterQueue.Busy}.
 *
 * <p>Returning a message to a quorum queue counts as a delivery; the DLQ's delivery limit is one no
 * operator reaches ({@code Topology.DLQ_DELIVERY_LIMIT}). Not thread-safe.
 */
final class DeadLetterScan implements AutoCloseable {
  private static final int RESOURCE_LOCKED = 405;
  private static final Duration RETURN_VISIBLE_TIMEOUT = Duration.ofSeconds(5);

  private final Channel channel;
  private final String queue;
  private final int maxScan;
  private int taken;
  private int removed;

  private DeadLetterScan(Channel channel, String queue, int maxScan) {
    this.channel = channel;
    this.queue = queue;
    this.maxScan = maxScan;
  }

  /**
   * @throws DeadLetterQueue.Busy when another connection holds the lock past {@code lockWait}
   */
  static DeadLetterScan open(Connection connection, String queue, int maxScan, Duration lockWait)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + lockWait.toNanos();
    while (true) {
      Channel channel = connection.createChannel();
      try {
        channel.queueDeclare(lockName(queue), false, true, true, Map.of("x-queue-type", "classic"));
        // Fails with NOT_FOUND, naming the queue, if there is none.
        int depth = channel.queueDeclarePassive(queue).getMessageCount();
        return new DeadLetterScan(channel, queue, Math.min(depth, maxScan));
      } catch (IOException e) {
        if (!(e.getCause() instanceof ShutdownSignalException signal
            && signal.getReason() instanceof AMQP.Channel.Close close
            && close.getReplyCode() == RESOURCE_LOCKED)) {
          Channels.closeQuietly(channel);
          throw e;
        }
      }
      if (System.nanoTime() >= deadline) {
        throw new DeadLetterQueue.Busy(queue);
      }
      Thread.sleep(100);
    }
  }

  static String lockName(String queue) {
    return queue + ".lock";
  }

  /** The next message, held until removed or until the scan closes; null when there is none. */
  GetResponse next() throws IOException {
    GetResponse response = taken < maxScan ? channel.basicGet(queue, false) : null;
    taken += response == null ? 0 : 1;
    return response;
  }

  int taken() {
    return taken;
  }

  /** Acknowledges: the broker deletes the message. */
  void remove(GetResponse message) throws IOException {
    channel.basicAck(message.getEnvelope().getDeliveryTag(), false);
    removed++;
  }

  /** Returns every message still held, then releases the lock and the channel. */
  @Override
  public void close() throws IOException {
    int returning = taken - removed;
    try {
      if (returning > 0) {
        channel.basicNack(0, true, true); // tag 0, multiple: everything this channel holds
        // A quorum queue counts returns asynchronously: wait (bounded) so the next operation
        // sees them.
        long deadline = System.nanoTime() + RETURN_VISIBLE_TIMEOUT.toNanos();
        while (channel.queueDeclarePassive(queue).getMessageCount() < returning
            && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
      }
      channel.queueDelete(lockName(queue));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ShutdownSignalException e) {
      // The channel is gone: the broker returned what it held.
    } finally {
      Channels.closeQuietly(channel);
    }
  }
}
