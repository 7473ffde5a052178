package orderflow.consume.engine;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import orderflow.config.LogSafe;
import orderflow.deadletter.DeadLetterHeaders;
import orderflow.observe.ConsumerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands deliveries to the consumer loop through a buffer bounded by the prefetch, and tracks
 * whether the broker still knows this consumer. A cancel from the broker (queue deleted, leader
 * change) is noticed, logged, and flagged for the loop to resubscribe.
 *
 * <p>A body over the size limit never reaches the buffer: it is rejected without requeue at once,
 * so the broker dead-letters it to the queue's DLQ (reason {@code rejected} in {@code x-death}) and
 * no backlog of large messages can fill the heap. Rejecting here, on the channel's dispatch thread,
 * happens before any later delivery reaches the loop, so a multiple ack of later tags can never
 * cover it.
 */
final class BufferingConsumer extends DefaultConsumer {
  private static final Logger log = LoggerFactory.getLogger(BufferingConsumer.class);

  private final BlockingQueue<ReceivedDelivery> buffer;
  private final ConsumerMetrics metrics;
  private final String queue;
  private final int maxBodyBytes;
  private volatile boolean registered;
  private volatile boolean cancelledByBroker;
  private volatile boolean finished;

  BufferingConsumer(
      Channel channel,
      BlockingQueue<ReceivedDelivery> buffer,
      ConsumerMetrics metrics,
      String queue,
      int maxBodyBytes) {
    super(channel);
    this.maxBodyBytes = maxBodyBytes;
    this.buffer = buffer;
    this.metrics = metrics;
    this.queue = queue;
  }

  @Override
  public void handleConsumeOk(String consumerTag) {
    super.handleConsumeOk(consumerTag);
    registered = true;
    cancelledByBroker = false;
    finished = false;
  }

  @Override
  public void handleRecoverOk(String consumerTag) {
    registered = true;
    finished = false;
    log.info("consumer on {} recovered after a connection failure", queue);
  }

  @Override
  public void handleCancelOk(String consumerTag) {
    registered = false;
    finished = true;
  }

  @Override
  public void handleCancel(String consumerTag) {
    registered = false;
    cancelledByBroker = true;
    finished = true;
    log.warn(
        "the broker cancelled the consumer on {} (queue deleted or moved); resubscribing", queue);
  }

  @Override
  public void handleShutdownSignal(String consumerTag, ShutdownSignalException signal) {
    registered = false;
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
    if (body.length > maxBodyBytes) {
      rejectTooLarge(delivery);
      return;
    }
    buffer.add(delivery);
  }

  private void rejectTooLarge(ReceivedDelivery delivery) {
    try {
      getChannel().basicReject(delivery.tag(), false);
      metrics.deadLettered(delivery.eventTypeLabel(), DeadLetterHeaders.REASON_TOO_LARGE);
      log.warn(
          "dead-lettered {} {}: {} ({} bytes, over the limit of {})",
          LogSafe.escape(delivery.eventTypeLabel()),
          LogSafe.escape(delivery.properties().getMessageId()),
          DeadLetterHeaders.REASON_TOO_LARGE,
          delivery.body().length,
          maxBodyBytes);
    } catch (IOException | RuntimeException e) {
      // Unsettled, it comes back after the channel closes, and is rejected then.
      log.warn("could not reject an oversized delivery: {}", e.toString());
    }
  }

  boolean registered() {
    return registered;
  }

  boolean cancelledByBroker() {
    return cancelledByBroker;
  }

  /**
   * Cancelled or shut down: it delivers nothing more, and everything it delivered is in the buffer
   * (the client dispatches a consumer's deliveries before its cancel-ok, in order).
   */
  boolean finished() {
    return finished;
  }
}
