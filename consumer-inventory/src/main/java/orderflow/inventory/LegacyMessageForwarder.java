package orderflow.inventory;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import orderflow.config.LogSafe;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventType;
import orderflow.envelope.InvalidEventException;
import orderflow.publish.ConfirmingPublisher;
import orderflow.publish.EventMessages;
import orderflow.publish.OutgoingMessage;
import orderflow.publish.PublishOutcome;
import orderflow.publish.PublishSpans;
import orderflow.topology.Topology;
import orderflow.trace.TraceParent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer of {@link LegacyOrderBridge}: forwards each legacy delivery (or dead-letters it when
 * it can never be decoded) and settles it once the broker answered that publish: ack after a
 * confirm; otherwise nack with requeue, after a pause.
 *
 * <p>Deliveries arrive on the channel's dispatch thread; settlements happen on the thread that
 * completes the confirm. Acks and nacks need no reply from the broker, so that is safe.
 */
final class LegacyMessageForwarder extends DefaultConsumer {
  private static final Logger log = LoggerFactory.getLogger(LegacyMessageForwarder.class);

  /** Told when this consumer stops receiving: cancelled by the broker, or its channel closed. */
  @FunctionalInterface
  interface LossListener {
    void subscriptionLost(String why);
  }

  private final ConfirmingPublisher publisher;
  private final PublishSpans spans;
  private final Topology topology;
  private final EventCodec codec;
  private final EventMessages messages;
  private final Clock clock;
  private final Duration requeueDelay;
  private final ScheduledExecutorService requeuer;
  private final AtomicLong requeued = new AtomicLong();
  private final LossListener onLoss;
  private int unsettled;

  LegacyMessageForwarder(
      Channel channel,
      ConfirmingPublisher publisher,
      PublishSpans spans,
      Topology topology,
      EventCodec codec,
      Clock clock,
      Duration requeueDelay,
      LossListener onLoss) {
    super(channel);
    this.onLoss = onLoss;
    this.requeueDelay = requeueDelay;
    this.requeuer =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "inventory-legacy-bridge-requeue");
              thread.setDaemon(true);
              return thread;
            });
    this.publisher = publisher;
    this.spans = spans;
    this.topology = topology;
    this.codec = codec;
    this.messages = new EventMessages(codec);
    this.clock = clock;
  }

  @Override
  public void handleDelivery(
      String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
    long tag = envelope.getDeliveryTag();
    EventEnvelope event;
    try {
      event = decodeOrderCreated(body);
    } catch (RuntimeException e) {
      // InvalidEventException, or anything else decoding threw: this body can never be forwarded.
      // The message is the sender's text (any exception, not only ours): escaped and cut.
      String what = "invalid legacy message (" + LogSafe.escape(e.getMessage(), 500) + ")";
      log.warn("dead-lettering {} to {}", what, topology.deadLetterQueue(Topology.INVENTORY_QUEUE));
      publishThenSettle(
          tag, LegacyDeadLetters.invalid(topology, properties, body, e, clock.instant()), what);
      return;
    }
    String what =
        "order " + LogSafe.escape(event.payload().orderId()) + " (event " + event.eventId() + ")";
    // A sender's trace context passes through, traced here or not.
    publishThenSettle(
        tag,
        messages.toMessage(
            event, topology.ordersExchange(), TraceParent.fromHeaders(properties.getHeaders())),
        what);
  }

  private EventEnvelope decodeOrderCreated(byte[] body) {
    EventEnvelope event = codec.decode(body);
    if (event.eventType() != EventType.ORDER_CREATED) {
      throw new InvalidEventException(
          "eventType",
          "only OrderCreated is accepted on the legacy queue, was " + event.eventType());
    }
    return event;
  }

  private void publishThenSettle(long tag, OutgoingMessage outgoing, String what) {
    CompletableFuture<PublishOutcome> outcome;
    synchronized (this) {
      unsettled++;
    }
    try {
      outcome = spans.publish(publisher, outgoing);
    } catch (IOException e) {
      log.warn("cannot forward {}: {}; requeueing it", what, e.toString());
      settle(tag, PublishOutcome.UNCONFIRMED, what);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      settle(tag, PublishOutcome.UNCONFIRMED, what);
      return;
    }
    outcome.whenComplete(
        (result, error) -> settle(tag, error == null ? result : PublishOutcome.UNCONFIRMED, what));
  }

  private void settle(long tag, PublishOutcome outcome, String what) {
    if (outcome.confirmed()) {
      acknowledge(tag, true, what);
      return;
    }
    log.warn("forwarding {} was {}; requeueing it in {}", what, outcome, requeueDelay);
    requeued.incrementAndGet();
    // A pause, so a message that cannot be routed yet does not circle at full speed.
    try {
      requeuer.schedule(
          () -> acknowledge(tag, false, what), requeueDelay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      acknowledge(tag, false, what);
    }
  }

  private void acknowledge(long tag, boolean ack, String what) {
    try {
      if (ack) {
        getChannel().basicAck(tag, false);
      } else {
        getChannel().basicNack(tag, false, true);
      }
    } catch (IOException | ShutdownSignalException e) {
      // The channel is gone: the broker redelivers the message; its eventId keeps it idempotent.
      log.warn("cannot settle {} ({}); the broker will redeliver it", what, e.toString());
    } finally {
      synchronized (this) {
        unsettled--;
        notifyAll();
      }
    }
  }

  /** Deliveries nacked for requeue so far (their forward was not confirmed). */
  long requeued() {
    return requeued.get();
  }

  /** Stops the requeue timer; nacks still pending are left to the channel's close. */
  void shutdown() {
    requeuer.shutdownNow();
  }

  /** Waits until every delivery taken so far has been acked or nacked. */
  synchronized boolean awaitSettled(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (unsettled > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }

  @Override
  public void handleCancel(String consumerTag) {
    log.warn(
        "the broker cancelled the legacy bridge's consumer on {} (queue deleted?)",
        topology.legacyQueue());
    onLoss.subscriptionLost("the broker cancelled the consumer (queue deleted?)");
  }

  @Override
  public void handleShutdownSignal(String consumerTag, ShutdownSignalException signal) {
    if (!signal.isInitiatedByApplication()) {
      // A lost connection says so once, where the connection is watched; a channel of its own
      // closing is this bridge's news.
      if (!signal.isHardError()) {
        log.warn("legacy bridge channel closed: {}", signal.getMessage());
      }
      onLoss.subscriptionLost("channel closed");
    }
  }
}
