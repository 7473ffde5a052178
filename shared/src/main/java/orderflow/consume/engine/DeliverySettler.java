package orderflow.consume.engine;

import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import orderflow.config.LogSafe;
import orderflow.consume.ServiceDefinition;
import orderflow.deadletter.DeadLetterHeaders;
import orderflow.observe.ConsumerMetrics;
import orderflow.publish.ConfirmingPublisher;
import orderflow.publish.OutgoingMessage;
import orderflow.publish.PublishOutcome;
import orderflow.topology.RetryTiers;
import orderflow.topology.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The one place where outcomes become broker actions, after the batch committed. Applied, already
 * applied and duplicate deliveries are acked. A retry is copied to its tier's retry queue, or past
 * {@code --max-retries} to the DLQ; a dead letter to the DLQ; both through the service's failure
 * exchange, with the headers of {@link DeadLetterHeaders}. Nothing is acked before its copy is
 * confirmed: all confirmed, one multiple ack; else each on its own, and an unconfirmed one is
 * nacked with requeue.
 */
record DeliverySettler(
    ConfirmingPublisher publisher,
    Topology topology,
    ServiceDefinition service,
    ConsumerSettings settings,
    Clock clock,
    ConsumerMetrics metrics) {
  private static final Logger log = LoggerFactory.getLogger(DeliverySettler.class);

  /** One delivery on its way out: a dead letter's reason or a retry's tier; nacked if not acked. */
  record Settlement(
      ReceivedDelivery delivery, Outcome outcome, String reason, String tier, boolean acked) {}

  /**
   * @param outcomes one per delivery of {@code batch}, in the same order
   * @return one settlement per delivery, in order, each delivery's span ended with it
   */
  List<Settlement> settle(
      Channel channel, List<ReceivedDelivery> batch, List<Outcome> outcomes, DeliverySpans spans)
      throws IOException, InterruptedException {
    int size = batch.size();
    String[] reasons = new String[size];
    String[] tiers = new String[size];
    List<CompletableFuture<PublishOutcome>> copies = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      ReceivedDelivery delivery = batch.get(i);
      Outcome outcome = outcomes.get(i);
      int attempts = delivery.previousAttempts() + 1;
      String queue = null;
      if (outcome instanceof Outcome.DeadLetter dead) {
        reasons[i] = dead.reason();
      } else if (outcome instanceof Outcome.Retry && attempts > settings.maxRetries()) {
        reasons[i] = DeadLetterHeaders.REASON_RETRIES_EXHAUSTED;
      } else if (outcome instanceof Outcome.Retry) {
        Duration delay = settings.tiers().delayFor(attempts);
        tiers[i] = RetryTiers.label(delay);
        queue = topology.retryQueue(service.failureQueue(), delay);
      }
      if (reasons[i] != null) {
        queue = topology.deadLetterQueue(service.failureQueue());
      }
      copies.add(
          queue == null ? null : copy(delivery, outcome.cause(), attempts, reasons[i], queue));
    }
    List<Settlement> settled = new ArrayList<>(size);
    boolean allConfirmed = true;
    for (int i = 0; i < size; i++) {
      boolean safe =
          copies.get(i) == null
              || ConfirmingPublisher.await(
                      copies.get(i), ConfirmingPublisher.DEFAULT_CONFIRM_TIMEOUT)
                  .confirmed();
      settled.add(new Settlement(batch.get(i), outcomes.get(i), reasons[i], tiers[i], safe));
      allConfirmed &= safe;
    }
    if (allConfirmed) {
      channel.basicAck(batch.get(size - 1).tag(), true);
    }
    for (int i = 0; i < size; i++) {
      Settlement s = settled.get(i);
      if (!s.acked()) {
        channel.basicNack(s.delivery().tag(), false, true);
      } else if (!allConfirmed) {
        channel.basicAck(s.delivery().tag(), false);
      }
      report(s, spans.traceId(i));
      spans.settled(i, s);
    }
    return settled;
  }

  /** Keeps every property of the original (message id, type, timestamp...) and persists it. */
  private CompletableFuture<PublishOutcome> copy(
      ReceivedDelivery delivery, Throwable cause, int attempts, String reason, String queue)
      throws IOException, InterruptedException {
    Map<String, Object> headers =
        DeadLetterHeaders.describe(
            delivery.headers(),
            delivery.envelope().getExchange(),
            delivery.envelope().getRoutingKey(),
            cause,
            attempts,
            service.name(),
            clock.instant());
    if (reason != null) {
      headers.put(DeadLetterHeaders.REASON, reason);
    }
    return publisher.publish(
        new OutgoingMessage(
            topology.failureExchange(service.failureQueue()),
            queue,
            delivery.properties().builder().headers(headers).deliveryMode(2).build(),
            delivery.body()));
  }

  /** Counts and logs what became of a delivery, with its trace id in MDC and in the line. */
  private void report(Settlement s, String traceId) {
    String type = s.delivery().eventTypeLabel();
    if (s.acked()) {
      metrics.acked(type);
      if (s.outcome() instanceof Outcome.Duplicate) {
        metrics.duplicate(type);
      }
      if (s.reason() == null && s.tier() == null) {
        return; // no line to log, so nothing to escape
      }
    }
    String id = LogSafe.escape(s.delivery().properties().getMessageId());
    Throwable cause = s.outcome().cause();
    String why = cause == null ? "" : LogSafe.escape(cause, DeadLetterHeaders.MAX_MESSAGE_CHARS);
    String trace = traceId == null ? "" : " trace " + traceId;
    if (traceId != null) {
      MDC.put(DeliverySpans.MDC_TRACE_ID, traceId);
    }
    try {
      if (!s.acked()) {
        log.warn(
            "could not move delivery {} ({}) to its retry or dead-letter queue; returning it{}",
            id,
            LogSafe.escape(type),
            trace);
      } else if (s.reason() != null) {
        metrics.deadLettered(type, s.reason());
        log.warn(
            "dead-lettered {} {}: {} ({}){}", LogSafe.escape(type), id, s.reason(), why, trace);
      } else {
        metrics.retried(type, s.tier());
        log.info("retrying {} {} after {}: {}{}", LogSafe.escape(type), id, s.tier(), why, trace);
      }
    } finally {
      MDC.remove(DeliverySpans.MDC_TRACE_ID);
    }
  }
}
