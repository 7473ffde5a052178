package orderflow.consume.engine;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import orderflow.broker.BrokerRefusal;
import orderflow.envelope.EventCodec;
import orderflow.observe.ConsumerMetrics;
import orderflow.outbox.OutboxPublisher;
import orderflow.topology.Topology;
import orderflow.topology.TopologyDeclarer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single thread that takes deliveries from the work queue, applies them in batches and settles
 * them. It owns the consuming channel: subscribing, cancelling while the circuit breaker is open,
 * resubscribing after a broker cancel, reopening a channel the broker closed.
 *
 * <p>{@link #stop()} may be called from any thread; everything else runs on the loop's thread.
 */
final class ConsumerLoop implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(ConsumerLoop.class);
  private static final Duration IDLE_POLL = Duration.ofMillis(200);
  private static final Duration RESUBSCRIBE_BACKOFF = Duration.ofSeconds(1);

  private final Connection connection;
  private final Topology topology;
  private final ConsumerSettings settings;
  private final BatchApplier applier;
  private final DeliverySettler settler;
  private final CircuitBreaker breaker;
  private final ConsumerMetrics metrics;
  private final OutboxPublisher publisher;
  private final BlockingQueue<ReceivedDelivery> buffer = new LinkedBlockingQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Object wakeUp = new Object();
  private volatile boolean stopping;
  private volatile Channel channel;
  private volatile BufferingConsumer consumer;
  private volatile String consumerTag;

  ConsumerLoop(
      Connection connection,
      Topology topology,
      ConsumerSettings settings,
      BatchApplier applier,
      DeliverySettler settler,
      CircuitBreaker breaker,
      ConsumerMetrics metrics,
      OutboxPublisher publisher) {
    this.connection = connection;
    this.topology = topology;
    this.settings = settings;
    this.applier = applier;
    this.settler = settler;
    this.breaker = breaker;
    this.metrics = metrics;
    this.publisher = publisher;
  }

  /** Opens the channel and subscribes; call before starting the thread. */
  void subscribe() throws IOException {
    if (channel == null || !channel.isOpen()) {
      buffer.clear(); // Deliveries of a closed channel can no longer be acked; they come again.
      channel = connection.createChannel();
      channel.basicQos(settings.prefetch());
    }
    consumer =
        new BufferingConsumer(
            channel, buffer, metrics, settings.workQueue(), EventCodec.DEFAULT_MAX_BODY_BYTES);
    consumerTag = channel.basicConsume(topology.queue(settings.workQueue()), false, consumer);
    log.info(
        "consuming {} (prefetch {}, batch {})",
        topology.queue(settings.workQueue()),
        settings.prefetch(),
        settings.batchSize());
  }

  @Override
  public void run() {
    try {
      while (!(stopping && drained())) {
        if (breaker.state() == CircuitBreaker.State.OPEN) {
          waitWhileOpen();
          continue;
        }
        ensureSubscribed();
        List<ReceivedDelivery> batch = nextBatch();
        if (!batch.isEmpty()) {
          process(batch);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean drained() {
    BufferingConsumer current = consumer;
    boolean stillSubscribed = current != null && current.registered() && channelOpen();
    return buffer.isEmpty() && (!stillSubscribed || breaker.state() == CircuitBreaker.State.OPEN);
  }

  private List<ReceivedDelivery> nextBatch() throws InterruptedException {
    ReceivedDelivery first = buffer.poll(IDLE_POLL.toMillis(), TimeUnit.MILLISECONDS);
    if (first == null) {
      return List.of();
    }
    int limit = breaker.state() == CircuitBreaker.State.HALF_OPEN ? 1 : settings.batchSize();
    List<ReceivedDelivery> batch = new ArrayList<>(limit);
    batch.add(first);
    buffer.drainTo(batch, limit - 1);
    return batch;
  }

  private void process(List<ReceivedDelivery> batch) throws InterruptedException {
    Channel settling = channel;
    inFlight.set(batch.size());
    try {
      BatchApplier.Result result = applier.apply(batch);
      List<Outcome> outcomes = result.outcomes();
      publisher.submit(result.committedEvents());
      settler.settle(settling, batch, outcomes);
      updateBreaker(outcomes);
    } catch (IOException | RuntimeException e) {
      // The channel failed while settling: the deliveries were not acked and will come again;
      // whatever was committed is recognised by the inbox then.
      log.warn("could not settle {} deliveries: {}", batch.size(), e.toString());
    } finally {
      inFlight.set(0);
    }
  }

  private void updateBreaker(List<Outcome> outcomes) {
    for (Outcome outcome : outcomes) {
      if (outcome instanceof Outcome.Retry) {
        if (breaker.recordFailure()) {
          log.warn(
              "circuit breaker open after {} transient failures in a row; pausing consumption for {}",
              settings.breakerThreshold(),
              settings.breakerReset());
          cancelQuietly();
        }
      } else if (outcome instanceof Outcome.Applied || outcome instanceof Outcome.Duplicate) {
        if (breaker.state() != CircuitBreaker.State.CLOSED) {
          log.info("circuit breaker closed: the probe succeeded");
        }
        breaker.recordSuccess();
      }
    }
  }

  private void waitWhileOpen() throws InterruptedException {
    cancelQuietly();
    synchronized (wakeUp) {
      long millis = breaker.untilProbe().toMillis();
      if (millis > 0 && !stopping) {
        wakeUp.wait(millis);
      }
    }
    if (!stopping && breaker.tryHalfOpen()) {
      log.info("circuit breaker half-open: probing with one delivery");
    }
  }

  private void ensureSubscribed() throws InterruptedException {
    if (stopping) {
      return;
    }
    if (!connection.isOpen()) {
      // Automatic recovery is reconnecting; it restores the channel and the consumer itself.
      Thread.sleep(RESUBSCRIBE_BACKOFF.toMillis());
      return;
    }
    BufferingConsumer current = consumer;
    boolean lost = !channelOpen() || (current != null && current.cancelledByBroker());
    if (!lost && current != null && (current.registered() || consumerTag != null)) {
      return;
    }
    try {
      // Under --no-declare the account may not configure: the admin restores what is missing.
      if (channelOpen() && settings.declareTopology()) {
        TopologyDeclarer.declare(channel, topology);
      }
      subscribe();
    } catch (IOException | RuntimeException e) {
      log.warn(
          "cannot subscribe to {} yet: {}",
          settings.workQueue(),
          BrokerRefusal.replyText(e).orElse(e.toString()));
      Thread.sleep(RESUBSCRIBE_BACKOFF.toMillis());
    }
  }

  private boolean channelOpen() {
    Channel current = channel;
    return current != null && current.isOpen();
  }

  private void cancelQuietly() {
    String tag = consumerTag;
    consumerTag = null;
    if (tag != null && channelOpen()) {
      try {
        channel.basicCancel(tag);
      } catch (IOException | RuntimeException e) {
        log.debug("cancel of {} failed: {}", tag, e.toString());
      }
    }
  }

  /** Stops taking deliveries; the loop finishes what was delivered, then ends. */
  void stop() {
    stopping = true;
    cancelQuietly();
    synchronized (wakeUp) {
      wakeUp.notifyAll();
    }
  }

  int inFlight() {
    return inFlight.get() + buffer.size();
  }

  boolean stopping() {
    return stopping;
  }

  boolean channelIsOpen() {
    return channelOpen();
  }

  boolean consumerRegistered() {
    BufferingConsumer current = consumer;
    return current != null && current.registered();
  }

  void closeChannel() {
    Channel current = channel;
    if (current != null && current.isOpen()) {
      try {
        current.close();
      } catch (IOException | java.util.concurrent.TimeoutException | RuntimeException e) {
        log.debug("closing the consumer channel: {}", e.toString());
      }
    }
  }
}
