package orderflow.dlq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Holds the messages of a queue unacknowledged on a channel of its own, so that each can then be
 * removed ({@link #remove}) or returned ({@link #putBack}); whatever is still held when the scan
 * closes goes back to the queue.
 *
 * <p>It takes at most the depth observed when it opens (capped at {@code maxScan}), with a prefetch
 * of that many, and stops early when no delivery arrives for {@code idleTimeout} (another consumer
 * took some). It then cancels its consumer, so returned messages are not redelivered to it.
 *
 * <p>Returning a message to a quorum queue counts as a delivery on RabbitMQ before 4.3 ({@code
 * x-delivery-count} grows with each browse). Our dead-letter queues are declared without a delivery
 * limit, which on 3.x means none; RabbitMQ 4.0 to 4.2 apply a default limit of 20 unless the queue
 * or a policy sets one, so there the DLQ needs a policy raising it.
 *
 * <p>Not thread-safe: one thread drives a scan.
 */
final class DeadLetterScan implements AutoCloseable {
  /** One message held unacknowledged. */
  record Held(long deliveryTag, DeadLetter letter, Delivery delivery) {}

  private final Channel channel;
  private final List<Held> held = new ArrayList<>();
  private int settledCount;

  private DeadLetterScan(Channel channel) {
    this.channel = channel;
  }

  static DeadLetterScan open(Connection connection, String queue, int maxScan, Duration idleTimeout)
      throws IOException, InterruptedException {
    Channel channel = connection.createChannel();
    DeadLetterScan scan = new DeadLetterScan(channel);
    try {
      int depth = channel.queueDeclarePassive(queue).getMessageCount();
      int wanted = Math.min(depth, maxScan);
      if (wanted > 0) {
        scan.take(queue, wanted, idleTimeout);
      }
      return scan;
    } catch (IOException | InterruptedException | RuntimeException e) {
      scan.close();
      throw e;
    }
  }

  private void take(String queue, int wanted, Duration idleTimeout)
      throws IOException, InterruptedException {
    BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
    CountDownLatch cancelled = new CountDownLatch(1);
    channel.basicQos(wanted);
    String consumerTag =
        channel.basicConsume(
            queue,
            false,
            new DefaultConsumer(channel) {
              @Override
              public void handleDelivery(
                  String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                deliveries.add(new Delivery(envelope, properties, body));
              }

              @Override
              public void handleCancelOk(String tag) {
                cancelled.countDown();
              }
            });
    List<Delivery> taken = new ArrayList<>();
    while (taken.size() < wanted) {
      Delivery next = deliveries.poll(idleTimeout.toMillis(), TimeUnit.MILLISECONDS);
      if (next == null) {
        break;
      }
      taken.add(next);
    }
    channel.basicCancel(consumerTag);
    // Callbacks run in order, so once cancel-ok is handled every delivery before it is queued;
    // those are held too (and returned on close) so none is left unaccounted for.
    if (!cancelled.await(idleTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IOException("the broker did not confirm cancelling the browsing consumer");
    }
    deliveries.drainTo(taken);
    for (Delivery delivery : taken) {
      held.add(
          new Held(
              delivery.getEnvelope().getDeliveryTag(),
              DeadLetterReader.read(delivery.getProperties(), delivery.getBody()),
              delivery));
    }
  }

  /** The held messages, in delivery order. */
  List<Held> held() {
    return List.copyOf(held);
  }

  /** Acknowledges: the broker deletes the message. */
  void remove(Held message) throws IOException {
    channel.basicAck(message.deliveryTag(), false);
    settledCount++;
  }

  /** Returns the message to the queue now. */
  void putBack(Held message) throws IOException {
    channel.basicNack(message.deliveryTag(), false, true);
    settledCount++;
  }

  /** Returns every message still held, then closes the channel. */
  @Override
  public void close() throws IOException {
    try {
      if (channel.isOpen() && settledCount < held.size()) {
        // Tag 0 with multiple=true: every message this channel still holds.
        channel.basicNack(0, true, true);
      }
      if (channel.isOpen()) {
        channel.close();
      }
    } catch (TimeoutException | ShutdownSignalException e) {
      // The channel is gone: the broker returned every unacknowledged message itself.
    }
  }
}
