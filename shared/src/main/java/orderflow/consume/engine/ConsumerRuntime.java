package orderflow.consume.engine;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import orderflow.broker.FailureLine;
import orderflow.consume.ServiceDefinition;
import orderflow.observe.ConsumerMetrics;
import orderflow.observe.ReadinessCheck;
import orderflow.outbox.OutboxPublisher;
import orderflow.publish.ConfirmingPublisher;
import orderflow.store.Database;
import orderflow.topology.Topology;
import orderflow.trace.Tracing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes a service's work queue with the guarantees of docs/architecture.md section 5.
 *
 * <p>One thread takes what has arrived, up to {@code --batch-size}, applies it ({@link
 * BatchApplier}), hands what committed to the outbox publisher and settles ({@link
 * DeliverySettler}). The consumer follows the circuit breaker: none while open, prefetch 1 while
 * half-open, the configured prefetch when closed. A closed channel is replaced; a consumer the
 * broker cancelled is started again. Start and stop may be called from any thread, once each.
 */
public final class ConsumerRuntime implements ReadinessCheck {
  private static final Logger log = LoggerFactory.getLogger(ConsumerRuntime.class);
  private static final long IDLE_POLL_MILLIS = 200;
  private static final long RESUBSCRIBE_BACKOFF_MILLIS = 1000;

  private final Connection connection;
  private final Database database;
  private final Topology topology;
  private final ConsumerSettings settings;
  private final ServiceDefinition service;
  private final ConsumerMetrics metrics;
  private final OutboxPublisher publisher;
  private final Tracing tracing;
  private final String queue;
  private final CircuitBreaker breaker;
  private final ConfirmingPublisher failurePublisher;
  private final BatchApplier applier;
  private final DeliverySettler settler;
  private final Thread thread;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Object wakeUp = new Object();
  private volatile boolean stopping;
  private volatile Subscription subscription;
  private boolean subscribeFailed;

  public ConsumerRuntime(
      Connection connection,
      Database database,
      Topology topology,
      ConsumerSettings settings,
      ServiceDefinition service,
      ConsumerMetrics metrics,
      OutboxPublisher publisher,
      Tracing tracing)
      throws IOException {
    this.connection = connection;
    this.database = database;
    this.topology = topology;
    this.settings = settings;
    this.service = service;
    this.metrics = metrics;
    this.publisher = publisher;
    this.tracing = tracing;
    this.queue = topology.queue(service.workQueue());
    Clock clock = Clock.systemUTC();
    this.breaker = new CircuitBreaker(settings.breakerThreshold(), settings.breakerReset(), clock);
    this.failurePublisher =
        new ConfirmingPublisher(connection.createChannel(), settings.batchSize());
    this.applier =
        new BatchApplier(
            database,
            service,
            topology.ordersExchange(),
            settings.injectFailureRate(),
            new Random(),
            metrics);
    this.settler =
        new DeliverySettler(failurePublisher, topology, service, settings, clock, metrics);
    this.thread = new Thread(this::run, service.name() + "-consumer");
    metrics.gauge(ConsumerMetrics.IN_FLIGHT, this::inFlight);
    metrics.gauge(ConsumerMetrics.BREAKER_STATE, () -> breaker.state().ordinal());
  }

  /** Subscribes to the work queue and starts the consumer loop. */
  public void start() throws IOException {
    subscription = new Subscription(connection, queue, metrics);
    consume(subscription, settings.prefetch());
    thread.start();
  }

  /** Stops taking deliveries, settles what was delivered, closes the channels; false: timed out. */
  public boolean stop(Duration timeout) throws InterruptedException {
    log.info("draining {}: no new deliveries, finishing in-flight work", service.name());
    stopping = true;
    cancelConsumer();
    synchronized (wakeUp) {
      wakeUp.notifyAll();
    }
    thread.join(timeout.toMillis());
    boolean finished = !thread.isAlive();
    if (!finished) {
      log.warn(
          "{} did not drain within {}; unacked deliveries return to the queue",
          service.name(),
          timeout);
      thread.interrupt();
    }
    Subscription current = subscription;
    if (current != null) {
      current.close();
    }
    try {
      failurePublisher.close();
    } catch (IOException e) {
      log.debug("closing the failure publisher: {}", e.toString());
    }
    return finished;
  }

  /** Waits until the consumer loop ends: after {@link #stop}, or if it died. */
  public void awaitTermination() throws InterruptedException {
    thread.join();
  }

  public boolean stopping() {
    return stopping;
  }

  /** Deliveries taken from the broker and not yet settled: at most one consumer's prefetch. */
  public int inFlight() {
    Subscription current = subscription;
    return inFlight.get() + (current == null ? 0 : current.buffer.size());
  }

  public CircuitBreaker.State breakerState() {
    return breaker.state();
  }

  @Override
  public Map<String, String> components() {
    Subscription current = subscription;
    CircuitBreaker.State state = breaker.state();
    Map<String, String> components = new LinkedHashMap<>();
    components.put("connection", connection.isOpen() ? "ok" : "closed");
    components.put("channel", current != null && current.getChannel().isOpen() ? "ok" : "closed");
    components.put(
        "consumer",
        state != CircuitBreaker.State.CLOSED
            ? "paused by the circuit breaker"
            : current != null && !current.finished ? "ok" : "not registered");
    components.put("database", database.ping() ? "ok" : "not answering");
    components.put(
        "breaker",
        state == CircuitBreaker.State.CLOSED ? "ok" : state.name().toLowerCase(Locale.ROOT));
    components.put("draining", stopping ? "draining after shutdown signal" : "ok");
    return components;
  }

  private void run() {
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
        || (current.buffer.size() == 0 && (current.finished || !current.getChannel().isOpen()));
  }

  /** What has arrived, up to the batch size (one while half-open); waits only for the first. */
  private List<ReceivedDelivery> nextBatch(Subscription from) throws InterruptedException {
    ReceivedDelivery first =
        from == null ? null : from.buffer.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
    if (first == null) {
      return List.of();
    }
    int limit = breaker.limit(settings.batchSize());
    List<ReceivedDelivery> batch = new ArrayList<>(limit);
    batch.add(first);
    from.buffer.drainTo(batch, limit - 1);
    return batch;
  }

  private void process(List<ReceivedDelivery> batch) throws InterruptedException {
    Channel settling = subscription.getChannel();
    inFlight.set(batch.size());
    DeliverySpans spans = DeliverySpans.start(tracing, queue, batch);
    try {
      BatchApplier.Result result = applier.apply(batch, spans);
      publisher.submit(result.committedEvents());
      settler.settle(settling, batch, result.outcomes(), spans);
      updateBreaker(result.outcomes());
    } catch (IOException | RuntimeException e) {
      spans.abandon(e);
      // Not acked: they come again, and the inbox recognises what was committed.
      log.warn("could not settle {} deliveries: {}", batch.size(), FailureLine.describe(e));
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
      } else if (!(outcome instanceof Outcome.DeadLetter)) {
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
      Thread.sleep(RESUBSCRIBE_BACKOFF_MILLIS);
      return current;
    }
    try {
      if (current == null || !current.getChannel().isOpen()) {
        if (current != null) {
          current.close(); // Its deliveries can no longer be acked; they come again.
        }
        subscription = null;
        current = new Subscription(connection, queue, metrics);
        subscription = current;
      }
      int prefetch = breaker.limit(settings.prefetch());
      if (current.consuming() && current.prefetch != prefetch) {
        current.cancel(); // The probe's consumer; the next one starts once its deliveries settle.
      } else if (current.idle()) {
        // Under --no-declare the account may not configure: the admin restores what is missing.
        if ((current.cancelledByBroker || subscribeFailed) && settings.declareTopology()) {
          topology.declare(current.getChannel());
        }
        consume(current, prefetch);
        subscribeFailed = false;
        if (stopping) {
          current.cancel(); // stop() may have come before the consumer existed.
        }
      }
    } catch (IOException | RuntimeException e) {
      subscribeFailed = true; // the queue may be gone (a non-durable one after a restart)
      log.warn("cannot subscribe to {} yet: {}", service.workQueue(), FailureLine.describe(e));
      Thread.sleep(RESUBSCRIBE_BACKOFF_MILLIS);
    }
    return subscription;
  }

  private void consume(Subscription on, int prefetch) throws IOException {
    on.consume(prefetch);
    log.info("consuming {} (prefetch {}, batch {})", queue, prefetch, settings.batchSize());
  }

  private void cancelConsumer() {
    Subscription current = subscription;
    if (current != null) {
      current.cancel();
    }
  }
}
