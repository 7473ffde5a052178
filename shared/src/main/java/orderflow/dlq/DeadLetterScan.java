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
 * Takes a DLQ's messages one at a time and holds each until removed or until close returns the
 * rest; it takes at most the depth seen at open, so a letter dead-lettered again is not taken
 * twice. It holds the queue's lock, the exclusive queue {@code <dlq>.lock}, which the broker
 * deletes with its connection; a second operation waits for it, then fails with {@link
 * DeadLetterQueue.Busy}.
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

  static DeadLetterScan open(Connection connection, String queue, int maxScan, Duration lockWait)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + lockWait.toNanos();
    while (true) {
      Channel channel = connection.createChannel();
      try {
        channel.queueDeclare(queue + ".lock", false, true, true, Map.of("x-queue-type", "classic"));
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

  GetResponse next() throws IOException {
    GetResponse response = taken < maxScan ? channel.basicGet(queue, false) : null;
    taken += response == null ? 0 : 1;
    return response;
  }

  int taken() {
    return taken;
  }

  void remove(GetResponse message) throws IOException {
    channel.basicAck(message.getEnvelope().getDeliveryTag(), false);
    removed++;
  }

  @Override
  public void close() throws IOException {
    int returning = taken - removed;
    try {
      if (returning > 0) {
        channel.basicNack(0, true, true); // tag 0, multiple: all this channel holds
        // A quorum queue counts returns asynchronously: wait (bounded) for the next operation.
        long deadline = System.nanoTime() + RETURN_VISIBLE_TIMEOUT.toNanos();
        while (channel.queueDeclarePassive(queue).getMessageCount() < returning
            && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
      }
      channel.queueDelete(queue + ".lock");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ShutdownSignalException e) {
    } finally {
      Channels.closeQuietly(channel);
    }
  }
}
