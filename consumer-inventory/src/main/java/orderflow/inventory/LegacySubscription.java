package orderflow.inventory;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import orderflow.broker.BrokerRefusal;
import orderflow.broker.Channels;
import orderflow.observe.ReadinessCheck;
import orderflow.topology.QueueSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the legacy bridge consuming {@code order_events} (issue 14 item 1). The queue is
 * non-durable, as seed 000 declares it, so a broker restart deletes it, and so may an operator; the
 * client's own recovery cannot bring back a consumer on a queue that no longer exists. So after the
 * broker cancels the consumer, after its channel closes, and after every connection recovery, this
 * declares the queue again if it is missing and subscribes on a fresh channel, retrying until it
 * can. Until then readiness reports component {@code legacy-bridge} as not consuming.
 *
 * <p>Thread-safe: subscribing happens on the caller of {@link #start} and then on one thread of its
 * own; readiness is read from any thread.
 */
final class LegacySubscription implements ReadinessCheck, AutoCloseable {
  static final String COMPONENT = "legacy-bridge";
  static final Duration RETRY_DELAY = Duration.ofSeconds(2);
  private static final String OK = "ok";
  private static final Logger log = LoggerFactory.getLogger(LegacySubscription.class);

  /** Makes the consumer of one channel; it reports a lost subscription to the listener given. */
  interface ForwarderFactory {
    LegacyMessageForwarder create(Channel channel, LegacyMessageForwarder.LossListener onLoss);
  }

  private final Connection connection;
  private final QueueSpec queue;
  private final int prefetch;
  private final ForwarderFactory forwarders;
  private final ScheduledExecutorService resubscriber =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "inventory-legacy-bridge-subscribe");
            thread.setDaemon(true);
            return thread;
          });
  private final RecoveryListener recoveryListener = new ResubscribeAfterRecovery();
  private volatile String state = "starting";
  private volatile boolean closed;
  private long retiredRequeued;
  private Channel channel;
  private LegacyMessageForwarder forwarder;
  private String consumerTag;

  LegacySubscription(
      Connection connection, QueueSpec queue, int prefetch, ForwarderFactory forwarders) {
    this.connection = connection;
    this.queue = queue;
    this.prefetch = prefetch;
    this.forwarders = forwarders;
  }

  /**
   * Subscribes once, and from then on again whenever the subscription is lost.
   *
   * @throws IOException when the first subscription fails (the service does not start)
   */
  void start() throws IOException {
    subscribe();
    if (connection instanceof Recoverable recoverable) {
      recoverable.addRecoveryListener(recoveryListener);
    }
  }

  @Override
  public Map<String, String> components() {
    return Map.of(COMPONENT, state);
  }

  /** Deliveries nacked for requeue so far, by every forwarder this subscription had. */
  synchronized long requeued() {
    return retiredRequeued + (forwarder == null ? 0 : forwarder.requeued());
  }

  private void lost(String why) {
    if (closed) {
      return;
    }
    state = "not consuming " + queue.name() + ": " + why;
    schedule(Duration.ZERO);
  }

  private void schedule(Duration delay) {
    try {
      resubscriber.schedule(this::resubscribe, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // Closing.
    }
  }

  /** One attempt; a retry or a second trigger finding the subscription restored does nothing. */
  private void resubscribe() {
    if (closed || OK.equals(state)) {
      return;
    }
    String before = state;
    try {
      subscribe();
      log.info("legacy bridge consuming {} again", queue.name());
    } catch (IOException | RuntimeException e) {
      String why = BrokerRefusal.replyText(e).orElse(e.getClass().getSimpleName());
      state = "not consuming " + queue.name() + ": cannot subscribe (" + why + ")";
      if (!state.equals(before)) {
        log.warn("legacy bridge {}; retrying every {}", state, RETRY_DELAY);
      }
      schedule(RETRY_DELAY);
    }
  }

  private synchronized void subscribe() throws IOException {
    retireCurrent();
    ensureQueue();
    Channel fresh = connection.createChannel();
    try {
      fresh.basicQos(prefetch);
      LegacyMessageForwarder consumer = forwarders.create(fresh, this::lost);
      consumerTag = fresh.basicConsume(queue.name(), false, consumer);
      channel = fresh;
      forwarder = consumer;
      state = OK;
    } catch (IOException | RuntimeException e) {
      Channels.closeQuietly(fresh);
      throw e;
    }
  }

  /**
   * Declares the queue exactly as seed 000 does when it is missing (passively first, so an account
   * without configure permission works while the queue exists).
   */
  private void ensureQueue() throws IOException {
    Channel probe = connection.createChannel();
    try {
      probe.queueDeclarePassive(queue.name());
      return;
    } catch (IOException missing) {
      // NOT_FOUND closed the probe channel.
    } finally {
      Channels.closeQuietly(probe);
    }
    Channel declarer = connection.createChannel();
    try {
      declarer.queueDeclare(queue.name(), queue.durable(), false, false, queue.arguments());
      log.info("declared the missing legacy queue {}", queue.name());
    } finally {
      Channels.closeQuietly(declarer);
    }
  }

  /** Lets the current forwarder settle what it took, then closes its channel. */
  private void retireCurrent() {
    if (forwarder == null) {
      return;
    }
    try {
      if (!forwarder.awaitSettled(LegacyOrderBridge.DEFAULT_STOP_TIMEOUT)) {
        log.warn("legacy bridge resubscribing with unsettled messages; the broker redelivers them");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    retiredRequeued += forwarder.requeued();
    forwarder.shutdown();
    Channels.closeQuietly(channel);
    forwarder = null;
    channel = null;
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    if (connection instanceof Recoverable recoverable) {
      recoverable.removeRecoveryListener(recoveryListener);
    }
    resubscriber.shutdownNow();
    synchronized (this) {
      try {
        if (channel != null && channel.isOpen()) {
          channel.basicCancel(consumerTag);
        }
      } catch (IOException | AlreadyClosedException e) {
        // The channel or connection is gone: unacked messages return to the queue by themselves.
      }
      if (forwarder != null && !forwarder.awaitSettled(LegacyOrderBridge.DEFAULT_STOP_TIMEOUT)) {
        log.warn("legacy bridge stopped with unsettled messages; the broker redelivers them");
      }
      if (forwarder != null) {
        forwarder.shutdown();
      }
      Channels.closeQuietly(channel);
      state = "stopped";
    }
  }

  /** Subscribes again on a fresh channel after every connection recovery. */
  private final class ResubscribeAfterRecovery implements RecoveryListener {
    @Override
    public void handleRecoveryStarted(Recoverable recoverable) {
      state = "not consuming " + queue.name() + ": connection lost, recovering";
    }

    /**
     * Always a fresh channel: the client has just re-issued the recorded consumers, which fails on
     * a queue the restart deleted, and would double a consumer a retry made during the recovery.
     */
    @Override
    public void handleRecovery(Recoverable recoverable) {
      lost("connection recovered, subscribing again");
    }
  }
}
