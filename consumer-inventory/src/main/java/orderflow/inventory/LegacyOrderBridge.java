package orderflow.inventory;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import orderflow.consume.Ingress;
import orderflow.envelope.EventCodec;
import orderflow.observe.ReadinessCheck;
import orderflow.publish.ConfirmingPublisher;
import orderflow.publish.PublishSpans;
import orderflow.topology.QueueSpec;
import orderflow.topology.Topology;
import orderflow.trace.Tracing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bridges seed 000's legacy queue {@code order_events} into the event flow: each message there
 * (version 1 {@code {"type","data"}}, or a current envelope) is decoded, upcast, and republished
 * into the orders exchange, where the inventory queue receives it like any other OrderCreated. A
 * version 1 message carries no id; its eventId is derived from the order id, so a redelivery is
 * absorbed by the inventory's inbox. The republished event continues the trace of the legacy
 * message's {@code traceparent} header, or starts one (with tracing on, under a PRODUCER span).
 *
 * <p>Manual acks, bounded prefetch; a message is acked only after the broker confirmed its
 * republication (or, if it can never be decoded, its dead letter in {@code inventory.dlq}).
 * Anything else is nacked with requeue after a pause, so nothing is lost.
 *
 * <p>Thread-safe; each {@link #start} runs one consumer on two channels of its own, and subscribes
 * again after the queue is deleted or the connection recovers ({@link LegacySubscription}).
 */
public final class LegacyOrderBridge implements Ingress {
  /** The name written in the {@code x-consumer} header of its dead letters. */
  public static final String CONSUMER_NAME = "inventory-legacy-bridge";

  public static final Duration DEFAULT_REQUEUE_DELAY = Duration.ofSeconds(1);
  public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(LegacyOrderBridge.class);

  private final int prefetch;
  private final Duration requeueDelay;
  private final EventCodec codec = new EventCodec();
  private final Clock clock = Clock.systemUTC();

  /**
   * @param prefetch unacknowledged legacy messages the broker may send ahead
   */
  public LegacyOrderBridge(int prefetch) {
    this(prefetch, DEFAULT_REQUEUE_DELAY);
  }

  LegacyOrderBridge(int prefetch, Duration requeueDelay) {
    if (prefetch < 1 || prefetch > 65535) {
      throw new IllegalArgumentException("prefetch must be between 1 and 65535");
    }
    this.prefetch = prefetch;
    this.requeueDelay = requeueDelay;
  }

  @Override
  public Running start(Connection connection, Topology topology, Tracing tracing)
      throws IOException {
    Channel publishChannel = connection.createChannel();
    // One publish per unacked delivery: a window as large as the prefetch never blocks delivery.
    ConfirmingPublisher publisher = new ConfirmingPublisher(publishChannel, prefetch);
    LegacySubscription subscription =
        new LegacySubscription(
            connection,
            topology.legacyQueueSpec(),
            prefetch,
            (channel, onLoss) ->
                new LegacyMessageForwarder(
                    channel,
                    publisher,
                    new PublishSpans(tracing),
                    topology,
                    codec,
                    clock,
                    requeueDelay,
                    onLoss));
    try {
      subscription.start();
    } catch (IOException | RuntimeException e) {
      try {
        publisher.close();
      } catch (IOException | RuntimeException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
    log.info("bridging legacy queue {} into {}", topology.legacyQueue(), topology.ordersExchange());
    return new Running(subscription, publisher);
  }

  @Override
  public List<QueueSpec> queues(Topology topology) {
    return List.of(topology.legacyQueueSpec());
  }

  /**
   * A started bridge: it subscribes again whenever its subscription is lost, and reports component
   * {@code legacy-bridge} for readiness. Closing it stops consuming and waits for in-flight
   * forwards.
   */
  static final class Running implements AutoCloseable, ReadinessCheck {
    private final LegacySubscription subscription;
    private final ConfirmingPublisher publisher;

    private Running(LegacySubscription subscription, ConfirmingPublisher publisher) {
      this.subscription = subscription;
      this.publisher = publisher;
    }

    /** Deliveries requeued so far because their forward was not confirmed. */
    long requeued() {
      return subscription.requeued();
    }

    @Override
    public Map<String, String> components() {
      return subscription.components();
    }

    @Override
    public void close() throws IOException, InterruptedException {
      try {
        subscription.close();
      } finally {
        publisher.close();
      }
    }
  }
}
