package orderflow.consume.engine;

import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import orderflow.consume.ServiceDefinition;
import orderflow.envelope.EventCodec;
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
 * Consumes a service's work queue with the guarantees of docs/architecture.md section 5: acks after
 * commit, inbox deduplication, outbox emission, delayed retries, dead letters that explain
 * themselves, a circuit breaker, and a bounded drain on {@link #stop}.
 *
 * <p>This class is thread-safe: start and stop may be called from any thread, once each.
 */
public final class ConsumerRuntime implements ReadinessCheck {
  private static final Logger log = LoggerFactory.getLogger(ConsumerRuntime.class);

  private final Connection connection;
  private final Database database;
  private final String name;
  private final CircuitBreaker breaker;
  private final ConfirmingPublisher failurePublisher;
  private final ConsumerLoop loop;
  private final Thread thread;

  /**
   * @param publisher the process's outbox publisher, to which each batch hands what it committed
   * @param tracing makes a CONSUMER span per delivery, with its handler and transaction under it
   */
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
    this.name = service.name();
    Clock clock = Clock.systemUTC();
    this.breaker = new CircuitBreaker(settings.breakerThreshold(), settings.breakerReset(), clock);
    this.failurePublisher =
        new ConfirmingPublisher(connection.createChannel(), Math.max(settings.batchSize(), 1));
    BatchApplier applier =
        new BatchApplier(
            database,
            service,
            topology.ordersExchange(),
            new EventCodec(),
            new FailureInjector(settings.injectFailureRate(), new Random()),
            metrics);
    DeliverySettler settler =
        new DeliverySettler(
            new FailureRouter(failurePublisher, topology, service, settings, clock), metrics);
    this.loop =
        new ConsumerLoop(
            connection,
            topology,
            service.workQueue(),
            settings,
            applier,
            settler,
            breaker,
            metrics,
            publisher,
            tracing);
    this.thread = new Thread(loop, service.name() + "-consumer");
    metrics.inFlight(loop::inFlight);
    metrics.breakerState(() -> breaker.state().gaugeValue());
  }

  /** Subscribes to the work queue and starts the consumer loop. */
  public void start() throws IOException {
    loop.subscribe();
    thread.start();
  }

  /**
   * Stops taking deliveries, finishes and settles what was delivered, then closes the channels.
   *
   * @return true if the loop finished within {@code timeout}
   */
  public boolean stop(Duration timeout) throws InterruptedException {
    log.info("draining {}: no new deliveries, finishing in-flight work", name);
    loop.stop();
    thread.join(timeout.toMillis());
    boolean finished = !thread.isAlive();
    if (!finished) {
      log.warn("{} did not drain within {}; unacked deliveries return to the queue", name, timeout);
      thread.interrupt();
    }
    loop.closeChannel();
    try {
      failurePublisher.close();
    } catch (IOException e) {
      log.debug("closing the failure publisher: {}", e.toString());
    }
    return finished;
  }

  /** Waits until the consumer loop ends (after {@link #stop}, or if it died). */
  public void awaitTermination() throws InterruptedException {
    thread.join();
  }

  public boolean stopping() {
    return loop.stopping();
  }

  /** Deliveries taken from the broker and not yet settled: at most one consumer's prefetch. */
  public int inFlight() {
    return loop.inFlight();
  }

  public CircuitBreaker.State breakerState() {
    return breaker.state();
  }

  @Override
  public Map<String, String> components() {
    Map<String, String> components = new LinkedHashMap<>();
    components.put("connection", connection.isOpen() ? "ok" : "closed");
    components.put("channel", loop.channelIsOpen() ? "ok" : "closed");
    String consumer;
    if (breaker.state() != CircuitBreaker.State.CLOSED) {
      consumer = "paused by the circuit breaker";
    } else if (loop.consumerRegistered()) {
      consumer = "ok";
    } else {
      consumer = "not registered";
    }
    components.put("consumer", consumer);
    components.put("database", database.ping() ? "ok" : "not answering");
    components.put(
        "breaker",
        breaker.state() == CircuitBreaker.State.CLOSED
            ? "ok"
            : breaker.state().name().toLowerCase());
    components.put("draining", loop.stopping() ? "draining after shutdown signal" : "ok");
    return components;
  }
}
