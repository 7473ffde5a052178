package orderflow.consume;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import java.util.concurrent.BlockingQueue;
import orderflow.observe.ConsumerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands deliveries to the consumer loop through a buffer bounded by the prefetch, and tracks
 * whether the broker still knows this consumer. A cancel from the broker (queue deleted, leader
 * change) is noticed, logged, and flagged for the loop to resubscribe.
 */
final class BufferingConsumer extends DefaultConsumer {
  private static final Logger log = LoggerFactory.getLogger(BufferingConsumer.class);

  private final BlockingQueue<Delivery> buffer;
  private final ConsumerMetrics metrics;
  private final String queue;
  private volatile boolean registered;
  private volatile boolean cancelledByBroker;

  BufferingConsumer(
      Channel channel, BlockingQueue<Delivery> buffer, ConsumerMetrics metrics, String queue) {
    super(channel);
    this.buffer = buffer;
    this.metrics = metrics;
    this.queue = queue;
  }

  @Override
  public void handleConsumeOk(String consumerTag) {
    super.handleConsumeOk(consumerTag);
    registered = true;
    cancelledByBroker = false;
  }

  @Override
  public void handleRecoverOk(String consumerTag) {
    registered = true;
    log.info("consumer on {} recovered after a connection failure", queue);
  }

  @Override
  public void handleCancelOk(String consumerTag) {
    registered = false;
  }

  @Override
  public void handleCancel(String consumerTag) {
    registered = false;
    cancelledByBroker = true;
    log.warn(
        "the broker cancelled the consumer on {} (queue deleted or moved); resubscribing", queue);
  }

  @Override
  public void handleShutdownSignal(String consumerTag, ShutdownSignalException signal) {
    registered = false;
    if (!signal.isInitiatedByApplication()) {
      log.warn("consumer on {} lost its channel: {}", queue, signal.getMessage());
    }
  }

  @Override
  public void handleDelivery(
      String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
    Delivery delivery = new Delivery(envelope, properties, body);
    metrics.delivered(delivery.eventTypeLabel());
    buffer.add(delivery);
  }

  boolean registered() {
    return registered;
  }

  boolean cancelledByBroker() {
    return cancelledByBroker;
  }
}
