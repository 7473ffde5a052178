package orderflow.consume.engine;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import orderflow.envelope.EventCodec;
import orderflow.observe.ConsumerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consuming channel, the buffer of what it delivered, and at most one consumer on it at a time.
 * A new consumer starts only once the previous one is finished and its buffer is empty: a quorum
 * queue keeps a cancelled consumer registered while it holds unsettled deliveries, so starting
 * earlier would make two, and two prefetches in memory. Hence the broker never counts more than one
 * consumer of this channel, and the buffer never holds more than one consumer's prefetch. Nothing
 * is returned to the queue on the way (a quorum queue counts every return against the delivery
 * limit); closing the channel returns what is unsettled.
 *
 * <p>{@link #cancel} may be called from any thread; the rest from the consumer loop's thread.
 */
final class Subscription {
  private static final Logger log = LoggerFactory.getLogger(Subscription.class);

  private final Channel channel;
  private final String queue;
  private final ConsumerMetrics metrics;
  private final BlockingQueue<ReceivedDelivery> buffer = new LinkedBlockingQueue<>();
  private volatile BufferingConsumer consumer;
  private volatile String tag;
  private volatile boolean cancelled;
  private int prefetch;

  private Subscription(Channel channel, String queue, ConsumerMetrics metrics) {
    this.channel = channel;
    this.queue = queue;
    this.metrics = metrics;
  }

  /** Opens a channel for consuming {@code queue}; no consumer yet. */
  static Subscription open(Connection connection, String queue, ConsumerMetrics metrics)
      throws IOException {
    return new Subscription(connection.createChannel(), queue, metrics);
  }

  /** Starts a consumer with manual acks and {@code prefetch}; only when {@link #idle}. */
  void consume(int prefetch) throws IOException {
    if (!idle()) {
      throw new IllegalStateException("the previous consumer still has deliveries");
    }
    BufferingConsumer next =
        new BufferingConsumer(channel, buffer, metrics, queue, EventCodec.DEFAULT_MAX_BODY_BYTES);
    channel.basicQos(prefetch);
    this.prefetch = prefetch;
    cancelled = false;
    consumer = next;
    tag = channel.basicConsume(queue, false, next);
  }

  /** A consumer is delivering: started, not cancelled by us, not finished. */
  boolean consuming() {
    BufferingConsumer current = consumer;
    return current != null && !cancelled && !current.finished();
  }

  /** No consumer delivers and nothing it delivered waits: a new consumer may start. */
  boolean idle() {
    BufferingConsumer current = consumer;
    return (current == null || current.finished()) && buffer.isEmpty();
  }

  /** The prefetch of the last consumer started. */
  int prefetch() {
    return prefetch;
  }

  Channel channel() {
    return channel;
  }

  ReceivedDelivery poll(Duration timeout) throws InterruptedException {
    return buffer.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  void drainTo(List<ReceivedDelivery> batch, int max) {
    buffer.drainTo(batch, max);
  }

  int buffered() {
    return buffer.size();
  }

  boolean isOpen() {
    return channel.isOpen();
  }

  boolean registered() {
    BufferingConsumer current = consumer;
    return current != null && current.registered();
  }

  boolean finished() {
    BufferingConsumer current = consumer;
    return current == null || current.finished();
  }

  boolean cancelledByBroker() {
    BufferingConsumer current = consumer;
    return current != null && current.cancelledByBroker();
  }

  /** Stops the consumer's deliveries; what it buffered is still settled on this channel. */
  void cancel() {
    String current = tag;
    if (current == null || cancelled) {
      return;
    }
    cancelled = true;
    if (channel.isOpen()) {
      try {
        channel.basicCancel(current);
      } catch (IOException | RuntimeException e) {
        log.debug("cancel of {} failed: {}", current, e.toString());
      }
    }
  }

  /** Closes the channel: every unsettled delivery goes back to the queue. */
  void close() {
    buffer.clear();
    closeQuietly(channel);
  }

  static void closeQuietly(Channel channel) {
    try {
      channel.close();
    } catch (IOException | TimeoutException | RuntimeException e) {
      log.debug("closing the consumer channel: {}", e.toString());
    }
  }
}
