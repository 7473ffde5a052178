package orderflow.consume.engine;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeoutException;
import orderflow.config.LogSafe;
import orderflow.deadletter.DeadLetterHeaders;
import orderflow.envelope.EventCodec;
import orderflow.observe.ConsumerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consuming channel, the buffer of what it delivered, and at most one consumer on it at a time
 * (this object, started again after each cancel). A new consumer starts only once the previous one
 * is finished and the buffer is empty: a quorum queue keeps a cancelled consumer registered while
 * it holds unsettled deliveries. Nothing is requeued on the way (a quorum queue counts returns
 * against the delivery limit); closing the channel returns what is unsettled.
 *
 * <p>A body over the size limit is rejected without requeue on the dispatch thread, before a later
 * delivery can reach a multiple ack, and the broker dead-letters it.
 *
 * <p>{@link #cancel} may be called from any thread, the broker's callbacks come on the dispatch
 * thread, the rest from the consumer loop's thread.
 */
final class Subscription extends DefaultConsumer {
  private static final Logger log = LoggerFactory.getLogger(Subscription.class);

  private final String queue;
  private final ConsumerMetrics metrics;
  final BlockingQueue<ReceivedDelivery> buffer = new LinkedBlockingQueue<>();
  private volatile String tag;
  private volatile boolean cancelled;

  /** The broker cancelled the consumer (queue deleted or moved). */
  volatile boolean cancelledByBroker;

  /**
   * Cancelled or shut down: it delivers nothing more, and everything it delivered is in the buffer
   * (the client dispatches a consumer's deliveries before its cancel-ok, in order).
   */
  volatile boolean finished = true;

  /** The prefetch of the last consumer started. */
  int prefetch;

  /** Opens a channel for consuming {@code queue}; no consumer yet. */
  Subscription(Connection connection, String queue, ConsumerMetrics metrics) throws IOException {
    super(connection.createChannel());
    this.queue = queue;
    this.metrics = metrics;
  }

  /** Starts a consumer with manual acks and {@code prefetch}; only when {@link #idle}. */
  void consume(int prefetch) throws IOException {
    getChannel().basicQos(prefetch);
    this.prefetch = prefetch;
    cancelled = false;
    cancelledByBroker = false;
    finished = false;
    try {
      tag = getChannel().basicConsume(queue, false, this);
    } catch (IOException | RuntimeException e) {
      finished = true;
      throw e;
    }
  }

  /** A consumer is delivering: started, not cancelled by us, not finished. */
  boolean consuming() {
    return !cancelled && !finished;
  }

  /** No consumer delivers and nothing it delivered waits: a new consumer may start. */
  boolean idle() {
    return finished && buffer.isEmpty();
  }

  /** Stops the consumer's deliveries; what it buffered is still settled on this channel. */
  void cancel() {
    String current = tag;
    if (current == null || cancelled) {
      return;
    }
    cancelled = true;
    try {
      if (getChannel().isOpen()) {
        getChannel().basicCancel(current);
      }
    } catch (IOException | RuntimeException e) {
      log.debug("cancel of {} failed: {}", current, e.toString());
    }
  }

  /** Closes the channel: every unsettled delivery goes back to the queue. */
  void close() {
    buffer.clear();
    try {
      getChannel().close();
    } catch (IOException | TimeoutException | RuntimeException e) {
      log.debug("closing the consumer channel: {}", e.toString());
    }
  }

  @Override
  public void handleRecoverOk(String consumerTag) {
    finished = false;
    log.info("consumer on {} recovered after a connection failure", queue);
  }

  @Override
  public void handleCancelOk(String consumerTag) {
    finished = true;
  }

  @Override
  public void handleCancel(String consumerTag) {
    cancelledByBroker = true;
    finished = true;
    log.warn(
        "the broker cancelled the consumer on {} (queue deleted or moved); resubscribing", queue);
  }

  @Override
  public void handleShutdownSignal(String consumerTag, ShutdownSignalException signal) {
    finished = true;
    if (!signal.isInitiatedByApplication()) {
      log.warn("consumer on {} lost its channel: {}", queue, signal.getMessage());
    }
  }

  @Override
  public void handleDelivery(
      String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
    ReceivedDelivery delivery = new ReceivedDelivery(envelope, properties, body);
    metrics.delivered(delivery.eventTypeLabel());
    if (body.length <= EventCodec.DEFAULT_MAX_BODY_BYTES) {
      buffer.add(delivery);
      return;
    }
    try {
      getChannel().basicReject(delivery.tag(), false);
      metrics.deadLettered(delivery.eventTypeLabel(), DeadLetterHeaders.REASON_TOO_LARGE);
      log.warn(
          "dead-lettered {} {}: {} ({} bytes, over the limit of {})",
          LogSafe.escape(delivery.eventTypeLabel()),
          LogSafe.escape(properties.getMessageId()),
          DeadLetterHeaders.REASON_TOO_LARGE,
          body.length,
          EventCodec.DEFAULT_MAX_BODY_BYTES);
    } catch (IOException | RuntimeException e) {
      // Unsettled, it comes back after the channel closes, and is rejected then.
      log.warn("could not reject an oversized delivery: {}", e.toString());
    }
  }
}
