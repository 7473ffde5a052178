package orderflow.publish;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.ReturnListener;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import orderflow.broker.BrokerRefusal;

/**
 * Publishes on one channel in confirm mode with the mandatory flag, keeping at most {@code
 * maxInFlight} messages unconfirmed. Each publish yields a future of its {@link PublishOutcome}.
 *
 * <p>The broker sends a basic.return before the basic.ack of the same message, so a returned
 * message completes as {@link PublishOutcome#RETURNED}, never as confirmed. A return is matched to
 * its publish by the message's {@code message_id}; when that id is already in flight (or absent),
 * the publish carries an {@code x-publish-seq} header with its sequence number instead, so the
 * match stays exact. If the channel closes (or recovers, which restarts sequence numbers) every
 * outstanding publish completes as {@link PublishOutcome#UNCONFIRMED}.
 *
 * <p>Futures complete on the connection's thread: callbacks attached to them must not block. This
 * class is thread-safe; publishes are serialised on the channel.
 */
public final class ConfirmingPublisher implements AutoCloseable {
  public static final int DEFAULT_MAX_IN_FLIGHT = 100;
  public static final Duration DEFAULT_CONFIRM_TIMEOUT = Duration.ofSeconds(30);
  private static final String SEQUENCE_HEADER = "x-publish-seq";

  private final Channel channel;
  private final Semaphore window;
  private final ConcurrentNavigableMap<Long, Pending> outstanding = new ConcurrentSkipListMap<>();

  /**
   * For each message id in flight without a sequence header: the sequence number of its publish.
   */
  private final ConcurrentMap<String, Long> sequenceByMessageId = new ConcurrentHashMap<>();

  private static final class Pending {
    final CompletableFuture<PublishOutcome> future = new CompletableFuture<>();

    /** The key of this publish in {@code sequenceByMessageId}; null if it carries the header. */
    final String matchedByMessageId;

    /** Set by the return listener; read when the ack arrives, on the same connection thread. */
    volatile boolean returned;

    Pending(String matchedByMessageId) {
      this.matchedByMessageId = matchedByMessageId;
    }
  }

  public ConfirmingPublisher(Channel channel, int maxInFlight) throws IOException {
    if (maxInFlight <= 0) {
      throw new IllegalArgumentException("maxInFlight must be positive");
    }
    this.channel = channel;
    this.window = new Semaphore(maxInFlight);
    channel.confirmSelect();
    channel.addConfirmListener(
        new ConfirmListener() {
          @Override
          public void handleAck(long deliveryTag, boolean multiple) {
            settle(deliveryTag, multiple, true);
          }

          @Override
          public void handleNack(long deliveryTag, boolean multiple) {
            settle(deliveryTag, multiple, false);
          }
        });
    channel.addReturnListener(returnListener());
    channel.addShutdownListener(this::failOutstanding);
  }

  /** The channel this publisher owns. Do not publish on it directly. */
  public Channel channel() {
    return channel;
  }

  /**
   * Publishes, blocking while the window of unconfirmed messages is full.
   *
   * @throws IOException if the channel is closed
   * @throws InterruptedException if interrupted while waiting for room in the window
   */
  public CompletableFuture<PublishOutcome> publish(OutgoingMessage message)
      throws IOException, InterruptedException {
    window.acquire();
    synchronized (this) {
      long sequence = channel.getNextPublishSeqNo();
      AMQP.BasicProperties properties = message.properties();
      String messageId = properties.getMessageId();
      // A sequence header already there (a replayed message) would be stale: replace it.
      boolean matchByMessageId =
          messageId != null
              && !hasSequenceHeader(properties)
              && sequenceByMessageId.putIfAbsent(messageId, sequence) == null;
      if (!matchByMessageId) {
        properties = withSequence(properties, sequence);
      }
      Pending pending = new Pending(matchByMessageId ? messageId : null);
      outstanding.put(sequence, pending);
      try {
        channel.basicPublish(
            message.exchange(), message.routingKey(), true, properties, message.body());
      } catch (IOException | RuntimeException e) {
        Pending removed = outstanding.remove(sequence);
        if (removed != null) {
          forget(sequence, removed);
          window.release();
        }
        pending.future.complete(PublishOutcome.UNCONFIRMED);
        throw e;
      }
      return pending.future;
    }
  }

  /**
   * Why the broker closed this publisher's channel, in its own words (e.g. {@code ACCESS_REFUSED -
   * write access to topic 'inventory.reserved' in exchange 'orders' ... refused for user 'u'}), or
   * empty while the channel is open or when this process closed it. Explains an {@link
   * PublishOutcome#UNCONFIRMED}.
   */
  public Optional<String> refusal() {
    ShutdownSignalException reason = channel.getCloseReason();
    return reason == null ? Optional.empty() : BrokerRefusal.replyText(reason);
  }

  /** Publishes one message and waits for the broker's answer, at most {@code timeout}. */
  public PublishOutcome publishAndWait(OutgoingMessage message, Duration timeout)
      throws IOException, InterruptedException {
    return await(publish(message), timeout);
  }

  /** Waits for a publish's answer; a timeout yields {@link PublishOutcome#UNCONFIRMED}. */
  public static PublishOutcome await(CompletableFuture<PublishOutcome> future, Duration timeout)
      throws InterruptedException {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return PublishOutcome.UNCONFIRMED;
    } catch (ExecutionException e) {
      return PublishOutcome.UNCONFIRMED;
    }
  }

  /** Number of publishes awaiting the broker's answer. */
  public int inFlight() {
    return outstanding.size();
  }

  private static boolean hasSequenceHeader(AMQP.BasicProperties properties) {
    return properties.getHeaders() != null && properties.getHeaders().containsKey(SEQUENCE_HEADER);
  }

  private static AMQP.BasicProperties withSequence(AMQP.BasicProperties properties, long sequence) {
    Map<String, Object> headers =
        properties.getHeaders() == null ? new HashMap<>() : new HashMap<>(properties.getHeaders());
    headers.put(SEQUENCE_HEADER, sequence);
    return properties.builder().headers(headers).build();
  }

  private ReturnListener returnListener() {
    return (replyCode, replyText, exchange, routingKey, properties, body) -> {
      Long sequence = sequenceOf(properties);
      if (sequence != null) {
        Pending pending = outstanding.get(sequence);
        if (pending != null) {
          pending.returned = true;
        }
      }
    };
  }

  /**
   * The publish a returned message came from. A message without the header was published while no
   * other publish with its id was in flight, and the return precedes its ack, so the id still maps
   * to it.
   */
  private Long sequenceOf(AMQP.BasicProperties properties) {
    Object header =
        properties.getHeaders() == null ? null : properties.getHeaders().get(SEQUENCE_HEADER);
    if (header instanceof Number number) {
      return number.longValue();
    }
    String messageId = properties.getMessageId();
    return messageId == null ? null : sequenceByMessageId.get(messageId);
  }

  private void settle(long deliveryTag, boolean multiple, boolean ack) {
    if (!multiple) {
      Pending pending = outstanding.remove(deliveryTag);
      if (pending != null) {
        forget(deliveryTag, pending);
        window.release();
        pending.future.complete(outcome(pending, ack));
      }
      return;
    }
    // One pass over everything up to the tag; the window is released once, before the futures'
    // callbacks run, so the publishing thread can go on meanwhile.
    ConcurrentNavigableMap<Long, Pending> settled = outstanding.headMap(deliveryTag, true);
    List<Pending> done = new ArrayList<>();
    Map.Entry<Long, Pending> entry;
    while ((entry = settled.pollFirstEntry()) != null) {
      forget(entry.getKey(), entry.getValue());
      done.add(entry.getValue());
    }
    if (done.isEmpty()) {
      return;
    }
    window.release(done.size());
    for (Pending pending : done) {
      pending.future.complete(outcome(pending, ack));
    }
  }

  private static PublishOutcome outcome(Pending pending, boolean ack) {
    if (!ack) {
      return PublishOutcome.NACKED;
    }
    return pending.returned ? PublishOutcome.RETURNED : PublishOutcome.CONFIRMED;
  }

  private void forget(long sequence, Pending pending) {
    if (pending.matchedByMessageId != null) {
      sequenceByMessageId.remove(pending.matchedByMessageId, sequence);
    }
  }

  private void failOutstanding(ShutdownSignalException cause) {
    List<Pending> done = new ArrayList<>();
    Map.Entry<Long, Pending> entry;
    while ((entry = outstanding.pollFirstEntry()) != null) {
      forget(entry.getKey(), entry.getValue());
      done.add(entry.getValue());
    }
    window.release(done.size());
    for (Pending pending : done) {
      pending.future.complete(PublishOutcome.UNCONFIRMED);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      if (channel.isOpen()) {
        channel.close();
      }
    } catch (TimeoutException | ShutdownSignalException e) {
      // Already closing; outstanding publishes were completed by the shutdown listener.
    }
  }
}
