package orderflow.publish;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.ReturnListener;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes on one channel in confirm mode with the mandatory flag, keeping at most {@code
 * maxInFlight} messages unconfirmed. Each publish yields a future of its {@link PublishOutcome}.
 *
 * <p>The broker sends a basic.return before the basic.ack of the same message, so a returned
 * message completes as {@link PublishOutcome#RETURNED}, never as confirmed. If the channel closes
 * (or recovers, which restarts sequence numbers) every outstanding publish completes as {@link
 * PublishOutcome#UNCONFIRMED}.
 *
 * <p>This class is thread-safe; publishes are serialised on the channel.
 */
public final class ConfirmingPublisher implements AutoCloseable {
  public static final int DEFAULT_MAX_IN_FLIGHT = 100;
  public static final Duration DEFAULT_CONFIRM_TIMEOUT = Duration.ofSeconds(30);
  private static final String SEQUENCE_HEADER = "x-publish-seq";

  private final Channel channel;
  private final Semaphore window;
  private final ConcurrentNavigableMap<Long, Pending> outstanding = new ConcurrentSkipListMap<>();

  private record Pending(CompletableFuture<PublishOutcome> future, boolean[] returned) {}

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
    CompletableFuture<PublishOutcome> future = new CompletableFuture<>();
    future.whenComplete((outcome, error) -> window.release());
    synchronized (this) {
      long sequence = channel.getNextPublishSeqNo();
      AMQP.BasicProperties properties = withSequence(message.properties(), sequence);
      outstanding.put(sequence, new Pending(future, new boolean[1]));
      try {
        channel.basicPublish(
            message.exchange(), message.routingKey(), true, properties, message.body());
      } catch (IOException | RuntimeException e) {
        outstanding.remove(sequence);
        future.complete(PublishOutcome.UNCONFIRMED);
        throw e;
      }
    }
    return future;
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

  private static AMQP.BasicProperties withSequence(AMQP.BasicProperties properties, long sequence) {
    Map<String, Object> headers =
        properties.getHeaders() == null
            ? new java.util.HashMap<>()
            : new java.util.HashMap<>(properties.getHeaders());
    headers.put(SEQUENCE_HEADER, sequence);
    return properties.builder().headers(headers).build();
  }

  private ReturnListener returnListener() {
    return (replyCode, replyText, exchange, routingKey, properties, body) -> {
      Object sequence =
          properties.getHeaders() == null ? null : properties.getHeaders().get(SEQUENCE_HEADER);
      if (sequence instanceof Number number) {
        Pending pending = outstanding.get(number.longValue());
        if (pending != null) {
          pending.returned()[0] = true;
        }
      }
    };
  }

  private void settle(long deliveryTag, boolean multiple, boolean ack) {
    Map<Long, Pending> settled =
        multiple ? outstanding.headMap(deliveryTag, true) : singleton(deliveryTag);
    for (Map.Entry<Long, Pending> entry : settled.entrySet()) {
      Pending pending = entry.getValue();
      PublishOutcome outcome =
          !ack
              ? PublishOutcome.NACKED
              : pending.returned()[0] ? PublishOutcome.RETURNED : PublishOutcome.CONFIRMED;
      outstanding.remove(entry.getKey());
      pending.future().complete(outcome);
    }
  }

  private Map<Long, Pending> singleton(long deliveryTag) {
    Pending pending = outstanding.get(deliveryTag);
    return pending == null ? Map.of() : Map.of(deliveryTag, pending);
  }

  private void failOutstanding(ShutdownSignalException cause) {
    for (Long sequence : outstanding.keySet()) {
      Pending pending = outstanding.remove(sequence);
      if (pending != null) {
        pending.future().complete(PublishOutcome.UNCONFIRMED);
      }
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
