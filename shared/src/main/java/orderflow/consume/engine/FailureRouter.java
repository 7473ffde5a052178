package orderflow.consume.engine;

import com.rabbitmq.client.AMQP;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import orderflow.consume.ServiceDefinition;
import orderflow.deadletter.DeadLetterHeaders;
import orderflow.publish.ConfirmingPublisher;
import orderflow.publish.OutgoingMessage;
import orderflow.publish.PublishOutcome;
import orderflow.topology.RetryTiers;
import orderflow.topology.Topology;

/**
 * Sends a failed delivery where it belongs: the retry queue of its tier, or the dead-letter queue,
 * both through the service's own failure exchange (so its account needs no write permission on the
 * default exchange). Publishes are confirmed; the caller acks the delivery only after a {@link
 * PublishOutcome#CONFIRMED}.
 */
final class FailureRouter {
  /** Where a failed delivery went, and why. */
  record Routed(CompletableFuture<PublishOutcome> confirm, String reason, String tier) {}

  private final ConfirmingPublisher publisher;
  private final Topology topology;
  private final ServiceDefinition service;
  private final ConsumerSettings settings;
  private final Clock clock;

  FailureRouter(
      ConfirmingPublisher publisher,
      Topology topology,
      ServiceDefinition service,
      ConsumerSettings settings,
      Clock clock) {
    this.publisher = publisher;
    this.topology = topology;
    this.service = service;
    this.settings = settings;
    this.clock = clock;
  }

  Routed retryOrDeadLetter(ReceivedDelivery delivery, Throwable cause)
      throws IOException, InterruptedException {
    int attempts = delivery.previousAttempts() + 1;
    if (attempts > settings.maxRetries()) {
      return deadLetter(delivery, DeadLetterHeaders.REASON_RETRIES_EXHAUSTED, cause, attempts);
    }
    Duration delay = settings.tiers().delayFor(attempts);
    Map<String, Object> headers = describe(delivery, cause, attempts);
    String queue = topology.retryQueue(service.workQueue(), delay);
    CompletableFuture<PublishOutcome> confirm =
        publisher.publish(
            new OutgoingMessage(
                topology.failureExchange(service.workQueue()),
                queue,
                with(delivery, headers),
                delivery.body()));
    return new Routed(confirm, null, RetryTiers.label(delay));
  }

  Routed deadLetter(ReceivedDelivery delivery, String reason, Throwable cause, int attempts)
      throws IOException, InterruptedException {
    Map<String, Object> headers = describe(delivery, cause, attempts);
    headers.put(DeadLetterHeaders.REASON, reason);
    OutgoingMessage message =
        new OutgoingMessage(
            topology.failureExchange(service.workQueue()),
            topology.deadLetterQueue(service.workQueue()),
            with(delivery, headers),
            delivery.body());
    return new Routed(publisher.publish(message), reason, null);
  }

  private Map<String, Object> describe(ReceivedDelivery delivery, Throwable cause, int attempts) {
    return DeadLetterHeaders.describe(
        delivery.headers(),
        delivery.envelope().getExchange(),
        delivery.envelope().getRoutingKey(),
        cause,
        attempts,
        service.name(),
        clock.instant());
  }

  /** Keeps every property of the original (message id, type, timestamp...) and persists it. */
  private static AMQP.BasicProperties with(ReceivedDelivery delivery, Map<String, Object> headers) {
    return delivery.properties().builder().headers(headers).deliveryMode(2).build();
  }
}
