package orderflow.publish;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
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
import java.util.concurrent.atomic.AtomicBoolean;
import orderflow.broker.Channels;
import orderflow.broker.FailureLine;

/**
 * Publishes mandatory messages on one confirm-mode channel, at most {@code maxInFlight}
 * unconfirmed, each with a future of its {@link PublishOutcome}; a closed channel completes them
 * UNCONFIRMED. Futures complete on the connection's thread: callbacks must not block. Thread-safe.
 */
public final class ConfirmingPublisher implements AutoCloseable {
  public static final Duration DEFAULT_CONFIRM_TIMEOUT = Duration.ofSeconds(30);
  private static final String SEQUENCE_HEADER = "x-publish-seq";

  private final Channel channel;
  private final Semaphore window;
  private final ConcurrentNavigableMap<Long, Pending> outstanding = new ConcurrentSkipListMap<>();

  // A return is matched by message id, or by a sequence header when that id is absent or taken.
  private final Map<String, Long> sequenceByMessageId = new ConcurrentHashMap<>();

  // returned: set by the return listener, before the ack on the same thread.
  private record Pending(
      CompletableFuture<PublishOutcome> future, String messageId, AtomicBoolean returned) {}

  public ConfirmingPublisher(Channel channel, int maxInFlight) throws IOException {
    this.channel = channel;
    this.window = new Semaphore(maxInFlight);
    channel.confirmSelect();
    channel.addConfirmListener(
        (tag, multiple) -> settle(tag, multiple, PublishOutcome.CONFIRMED),
        (tag, multiple) -> settle(tag, multiple, PublishOutcome.NACKED));
    channel.addReturnListener(
        (replyCode, replyText, exchange, routingKey, properties, body) -> {
          Long sequence = sequenceOf(properties);
          Pending pending = sequence == null ? null : outstanding.get(sequence);
          if (pending != null) {
            pending.returned().set(true);
          }
        });
    channel.addShutdownListener(cause -> settle(Long.MAX_VALUE, true, PublishOutcome.UNCONFIRMED));
  }

  public Channel channel() {
    return channel;
  }

  /** Blocks while the window of unconfirmed messages is full. */
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
      Pending pending =
          new Pending(
              new CompletableFuture<>(), byMessageId ? messageId : null, new AtomicBoolean());
      outstanding.put(sequence, pending);
      try {
        channel.basicPublish(
            message.exchange(), message.routingKey(), true, properties, message.body());
      } catch (IOException | RuntimeException e) {
        settle(sequence, false, PublishOutcome.UNCONFIRMED);
        throw e;
      }
      return pending.future();
    }
  }

  /** Why the broker closed the channel; explains an UNCONFIRMED. */
  public Optional<String> refusal() {
    ShutdownSignalException reason = channel.getCloseReason();
    return reason == null ? Optional.empty() : FailureLine.brokerReply(reason);
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

  private Long sequenceOf(AMQP.BasicProperties properties) {
    Object header =
        properties.getHeaders() == null ? null : properties.getHeaders().get(SEQUENCE_HEADER);
    if (header instanceof Number number) {
      return number.longValue();
    }
    String messageId = properties.getMessageId();
    return messageId == null ? null : sequenceByMessageId.get(messageId);
  }

  /** The window is released before the futures' callbacks run. */
  private void settle(long tag, boolean multiple, PublishOutcome answer) {
    ConcurrentNavigableMap<Long, Pending> done =
        multiple ? outstanding.headMap(tag, true) : outstanding.subMap(tag, true, tag, true);
    List<Pending> settled = new ArrayList<>();
    for (Map.Entry<Long, Pending> entry; (entry = done.pollFirstEntry()) != null; ) {
      if (entry.getValue().messageId() != null) {
        sequenceByMessageId.remove(entry.getValue().messageId(), entry.getKey());
      }
      settled.add(entry.getValue());
    }
    window.release(settled.size());
    for (Pending pending : settled) {
      boolean returned = answer == PublishOutcome.CONFIRMED && pending.returned().get();
      pending.future().complete(returned ? PublishOutcome.RETURNED : answer);
    }
  }

  @Override
  public void close() throws IOException {
    Channels.closeQuietly(channel); // outstanding publishes are completed by the shutdown listener
  }
}
