package orderflow.publish;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
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
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import orderflow.broker.FailureLine;

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
  public static final Duration DEFAULT_CONFIRM_TIMEOUT = Duration.ofSeconds(30);
  private static final String SEQUENCE_HEADER = "x-publish-seq";

  private final Channel channel;
  private final Semaphore window;
  private final ConcurrentNavigableMap<Long, Pending> outstanding = new ConcurrentSkipListMap<>();

  /** For each message id in flight without a sequence header: its publish's sequence number. */
  private final Map<String, Long> sequenceByMessageId = new ConcurrentHashMap<>();

  /** One publish awaiting its answer; {@code messageId} is its key in the map above, or null. */
  private static final class Pending {
    final CompletableFuture<PublishOutcome> future = new CompletableFuture<>();
    final String messageId;
    volatile boolean returned; // set by the return listener, before the ack on the same thread

    Pending(String messageId) {
      this.messageId = messageId;
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
            settle(deliveryTag, multiple, PublishOutcome.CONFIRMED);
          }

          @Override
          public void handleNack(long deliveryTag, boolean multiple) {
            settle(deliveryTag, multiple, PublishOutcome.NACKED);
          }
        });
    channel.addReturnListener(
        (replyCode, replyText, exchange, routingKey, properties, body) -> {
          Long sequence = sequenceOf(properties);
          Pending pending = sequence == null ? null : outstanding.get(sequence);
          if (pending != null) {
            pending.returned = true;
          }
        });
    channel.addShutdownListener(cause -> settle(Long.MAX_VALUE, true, PublishOutcome.UNCONFIRMED));
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
      Map<String, Object> headers = properties.getHeaders();
      // A sequence header already there (a replayed message) would be stale: replace it.
      boolean byMessageId =
          messageId != null
              && (headers == null || !headers.containsKey(SEQUENCE_HEADER))
              && sequenceByMessageId.putIfAbsent(messageId, sequence) == null;
      if (!byMessageId) {
        Map<String, Object> withSequence =
            headers == null ? new HashMap<>() : new HashMap<>(headers);
        withSequence.put(SEQUENCE_HEADER, sequence);
        properties = properties.builder().headers(withSequence).build();
      }
      Pending pending = new Pending(byMessageId ? messageId : null);
      outstanding.put(sequence, pending);
      try {
        channel.basicPublish(
            message.exchange(), message.routingKey(), true, properties, message.body());
      } catch (IOException | RuntimeException e) {
        settle(sequence, false, PublishOutcome.UNCONFIRMED);
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
    return reason == null ? Optional.empty() : FailureLine.brokerReply(reason);
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
    } catch (TimeoutException | ExecutionException e) {
      return PublishOutcome.UNCONFIRMED;
    }
  }

  /** Number of publishes awaiting the broker's answer. */
  public int inFlight() {
    return outstanding.size();
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

  /**
   * Completes the publishes up to {@code tag} ({@code multiple}) or at it with {@code answer}; a
   * confirmed one that was returned as {@link PublishOutcome#RETURNED}. The window is released
   * before the futures' callbacks run, so the publishing thread can go on meanwhile.
   */
  private void settle(long tag, boolean multiple, PublishOutcome answer) {
    ConcurrentNavigableMap<Long, Pending> done =
        multiple ? outstanding.headMap(tag, true) : outstanding.subMap(tag, true, tag, true);
    List<Pending> settled = new ArrayList<>();
    for (Map.Entry<Long, Pending> entry; (entry = done.pollFirstEntry()) != null; ) {
      if (entry.getValue().messageId != null) {
        sequenceByMessageId.remove(entry.getValue().messageId, entry.getKey());
      }
      settled.add(entry.getValue());
    }
    window.release(settled.size());
    for (Pending pending : settled) {
      boolean returned = answer == PublishOutcome.CONFIRMED && pending.returned;
      pending.future.complete(returned ? PublishOutcome.RETURNED : answer);
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
