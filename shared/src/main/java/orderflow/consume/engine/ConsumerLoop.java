package orderflow.consume.engine;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import orderflow.broker.BrokerRefusal;
import orderflow.observe.ConsumerMetrics;
import orderflow.outbox.OutboxPublisher;
import orderflow.topology.Topology;
import orderflow.topology.TopologyDeclarer;
import orderflow.trace.Tracing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single thread that takes deliveries from the work queue, applies them in batches and settles
 * them. It owns the {@link Subscription}, whose one consumer follows the circuit breaker: none
 * while it is open (what was delivered waits, unacked, in the buffer), prefetch 1 when started
 * half-open (the probe is one delivery), the configured prefetch when closed. A consumer whose
 * prefetch does not fit the state is cancelled and replaced once its deliveries are settled, so the
 * work queue has at most one consumer of this process. A channel that closed is replaced; a
 * consumer cancelled by the broker is started again.
 *
 * <p>{@link #stop()} may be called from any thread; everything else runs on the loop's thread.
 */
final class ConsumerLoop implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(ConsumerLoop.class);
  private static final Duration IDLE_POLL = Duration.ofMillis(200);
  private static final Duration RESUBSCRIBE_BACKOFF = Duration.ofSeconds(1);

  private final Connection connection;
  private final Topology topology;
  private final String workQueue;
  private final ConsumerSettings settings;
  private final BatchApplier applier;
  private final DeliverySettler settler;
  private final CircuitBreaker breaker;
  private final ConsumerMetrics metrics;
  private final OutboxPublisher publisher;
  private final Tracing tracing;
  private final String queueName;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Object wakeUp = new Object();
  private volatile boolean stopping;
  private volatile Subscription subscription;

  ConsumerLoop(
      Connection connection,
      Topology topology,
      String workQueue,
      ConsumerSettings settings,
      BatchApplier applier,
      DeliverySettler settler,
      CircuitBreaker breaker,
      ConsumerMetrics metrics,
      OutboxPublisher publisher,
      Tracing tracing) {
    this.connection = connection;
    this.topology = topology;
    this.workQueue = workQueue;
    this.settings = settings;
    this.applier = applier;
    this.settler = settler;
    this.breaker = breaker;
    this.metrics = metrics;
    this.publisher = publisher;
    this.tracing = tracing;
    this.queueName = topology.queue(workQueue);
  }

  /** Subscribes with the configured prefetch; call before starting the thread. */
  void subscribe() throws IOException {
    subscription = Subscription.open(connection, topology.queue(workQueue), metrics);
    consume(subscription, settings.prefetch());
  }

  private void consume(Subscription on, int prefetch) throws IOException {
    on.consume(prefetch);
    log.info(
        "consuming {} (prefetch {}, batch {})",
        topology.queue(workQueue),
        prefetch,
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
        List<ReceivedDelivery> batch = nextBatch(ensureSubscribed());
        if (!batch.isEmpty()) {
          process(batch);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stopping may end: nothing left to settle, or the breaker keeps the rest for the queue. */
  private boolean drained() {
    Subscription current = subscription;
    return current == null
        || breaker.state() == CircuitBreaker.State.OPEN
        || (current.buffered() == 0 && (current.finished() || !current.isOpen()));
  }

  private List<ReceivedDelivery> nextBatch(Subscription from) throws InterruptedException {
    if (from == null) {
      return List.of();
    }
    ReceivedDelivery first = from.poll(IDLE_POLL);
    if (first == null) {
      return List.of();
    }
    int limit = breaker.state() == CircuitBreaker.State.HALF_OPEN ? 1 : settings.batchSize();
    List<ReceivedDelivery> batch = new ArrayList<>(limit);
    batch.add(first);
    from.drainTo(batch, limit - 1);
    return batch;
  }

  private void process(List<ReceivedDelivery> batch) throws InterruptedException {
    Channel settling = subscription.channel();
    inFlight.set(batch.size());
    DeliverySpans spans = DeliverySpans.start(tracing, queueName, batch);
    try {
      BatchApplier.Result result = applier.apply(batch, spans);
      List<Outcome> outcomes = result.outcomes();
      publisher.submit(result.committedEvents());
      settler.settle(settling, batch, outcomes, spans);
      updateBreaker(outcomes);
    } catch (IOException | RuntimeException e) {
      spans.abandon(e);
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
          cancelConsumer();
          return; // the rest of the batch came before the breaker opened
        }
      } else if (outcome instanceof Outcome.Applied
          || outcome instanceof Outcome.AlreadyApplied
          || outcome instanceof Outcome.Duplicate) {
        if (breaker.state() == CircuitBreaker.State.HALF_OPEN) {
          log.info("circuit breaker closed: the probe succeeded");
        }
        breaker.recordSuccess();
      }
    }
  }

  private void waitWhileOpen() throws InterruptedException {
    cancelConsumer();
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

  /** Prefetch for the breaker's state: the half-open probe is one delivery. */
  static int prefetchFor(CircuitBreaker.State state, int configured) {
    return state == CircuitBreaker.State.HALF_OPEN ? 1 : configured;
  }

  /**
   * The subscription to take deliveries from, with a consumer whose prefetch fits the breaker's
   * state, or on its way to one; null when no channel can be opened yet.
   */
  private Subscription ensureSubscribed() throws InterruptedException {
    Subscription current = subscription;
    if (stopping) {
      return current;
    }
    if (!connection.isOpen()) {
      // Automatic recovery is reconnecting; it restores the channel and the consumer itself.
      Thread.sleep(RESUBSCRIBE_BACKOFF.toMillis());
      return current;
    }
    try {
      if (current == null || !current.isOpen()) {
        if (current != null) {
          current.close(); // Its deliveries can no longer be acked; they come again.
        }
        subscription = null;
        current = Subscription.open(connection, topology.queue(workQueue), metrics);
        subscription = current;
      }
      int prefetch = prefetchFor(breaker.state(), settings.prefetch());
      if (current.consuming() && current.prefetch() != prefetch) {
        current.cancel(); // The probe's consumer; the next one starts once its deliveries settle.
      } else if (current.idle()) {
        // Under --no-declare the account may not configure: the admin restores what is missing.
        if (current.cancelledByBroker() && settings.declareTopology()) {
          TopologyDeclarer.declare(current.channel(), topology);
        }
        consume(current, prefetch);
        if (stopping) {
          current.cancel(); // stop() may have come before the consumer existed.
        }
      }
    } catch (IOException | RuntimeException e) {
      log.warn(
          "cannot subscribe to {} yet: {}",
          workQueue,
          BrokerRefusal.replyText(e).orElse(e.toString()));
      Thread.sleep(RESUBSCRIBE_BACKOFF.toMillis());
    }
    return subscription;
  }

  private void cancelConsumer() {
    Subscription current = subscription;
    if (current != null) {
      current.cancel();
    }
  }

  /** Stops taking deliveries; the loop finishes what was delivered, then ends. */
  void stop() {
    stopping = true;
    cancelConsumer();
    synchronized (wakeUp) {
      wakeUp.notifyAll();
    }
  }

  int inFlight() {
    Subscription current = subscription;
    return inFlight.get() + (current == null ? 0 : current.buffered());
  }

  boolean stopping() {
    return stopping;
  }

  boolean channelIsOpen() {
    Subscription current = subscription;
    return current != null && current.isOpen();
  }

  boolean consumerRegistered() {
    Subscription current = subscription;
    return current != null && current.registered();
  }

  void closeChannel() {
    Subscription current = subscription;
    if (current != null) {
      current.close();
    }
  }
}
