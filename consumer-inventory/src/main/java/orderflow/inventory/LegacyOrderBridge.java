package orderflow.inventory;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.time.Clock;
import java.time.Duration;
import orderflow.consume.Ingress;
import orderflow.envelope.EventCodec;
import orderflow.publish.ConfirmingPublisher;
import orderflow.topology.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bridges seed 000's legacy queue {@code order_events} into the event flow: each message there
 * (version 1 {@code {"type","data"}}, or a current envelope) is decoded, upcast, and republished
 * into the orders exchange, where the inventory queue receives it like any other OrderCreated. A
 * version 1 message carries no id; its eventId is derived from the order id, so a redelivery is
 * absorbed by the inventory's inbox.
 *
 * <p>Manual acks, bounded prefetch; a message is acked only after the broker confirmed its
 * republication (or, if it can never be decoded, its dead letter in {@code inventory.dlq}).
 * Anything else is nacked with requeue, so nothing is lost.
 *
 * <p>Thread-safe; each {@link #start} runs one consumer on two channels of its own.
 */
public final class LegacyOrderBridge implements Ingress {
  /** The name written in the {@code x-consumer} header of its dead letters. */
  public static final String CONSUMER_NAME = "inventory-legacy-bridge";

  public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(LegacyOrderBridge.class);

  private final int prefetch;
  private final EventCodec codec;
  private final Clock clock;

  /**
   * @param prefetch unacknowledged legacy messages the broker may send ahead
   */
  public LegacyOrderBridge(int prefetch) {
    this(prefetch, new EventCodec(), Clock.systemUTC());
  }

  LegacyOrderBridge(int prefetch, EventCodec codec, Clock clock) {
    if (prefetch < 1 || prefetch > 65535) {
      throw new IllegalArgumentException("prefetch must be between 1 and 65535");
    }
    this.prefetch = prefetch;
    this.codec = codec;
    this.clock = clock;
  }

  @Override
  public AutoCloseable start(Connection connection, Topology topology) throws Exception {
    Channel publishChannel = connection.createChannel();
    // One publish per unacked delivery: a window as large as the prefetch never blocks delivery.
    ConfirmingPublisher publisher = new ConfirmingPublisher(publishChannel, prefetch);
    Channel consumeChannel = connection.createChannel();
    consumeChannel.basicQos(prefetch);
    LegacyMessageForwarder forwarder =
        new LegacyMessageForwarder(consumeChannel, publisher, topology, codec, clock);
    String consumerTag = consumeChannel.basicConsume(topology.legacyQueue(), false, forwarder);
    log.info("bridging legacy queue {} into {}", topology.legacyQueue(), topology.ordersExchange());
    return () -> stop(consumeChannel, consumerTag, forwarder, publisher);
  }

  private static void stop(
      Channel consumeChannel,
      String consumerTag,
      LegacyMessageForwarder forwarder,
      ConfirmingPublisher publisher)
      throws Exception {
    try {
      if (consumeChannel.isOpen()) {
        consumeChannel.basicCancel(consumerTag);
      }
      if (!forwarder.awaitSettled(DEFAULT_STOP_TIMEOUT)) {
        log.warn("legacy bridge stopped with unconfirmed messages; the broker redelivers them");
      }
    } finally {
      publisher.close();
      if (consumeChannel.isOpen()) {
        consumeChannel.close();
      }
    }
  }
}
