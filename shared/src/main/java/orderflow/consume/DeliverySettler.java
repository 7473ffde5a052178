package orderflow.consume;

import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import orderflow.config.LogSafe;
import orderflow.deadletter.DeadLetterHeaders;
import orderflow.observe.ConsumerMetrics;
import orderflow.publish.ConfirmingPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where outcomes become broker actions. Called after the batch's transaction
 * committed: applied and duplicate deliveries are acked; retries and dead letters are first
 * published (and confirmed) to their queue, then acked. When every publish is confirmed the whole
 * batch is settled with one multiple ack; a delivery whose publish was not confirmed is instead
 * returned to its queue (nack with requeue), so nothing is ever acked that is not safe elsewhere.
 */
final class DeliverySettler {
  private static final Logger log = LoggerFactory.getLogger(DeliverySettler.class);
  static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(30);

  private final FailureRouter router;
  private final ConsumerMetrics metrics;

  DeliverySettler(FailureRouter router, ConsumerMetrics metrics) {
    this.router = router;
    this.metrics = metrics;
  }

  /**
   * @return for each delivery, whether it was acked (a false one was nacked back to its queue)
   */
  List<Boolean> settle(Channel channel, List<Delivery> batch, List<Outcome> outcomes)
      throws IOException, InterruptedException {
    List<FailureRouter.Routed> routed = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      routed.add(route(batch.get(i), outcomes.get(i)));
    }
    List<Boolean> acked = new ArrayList<>(batch.size());
    boolean allConfirmed = true;
    for (FailureRouter.Routed r : routed) {
      boolean ok = r == null || ConfirmingPublisher.await(r.confirm(), CONFIRM_TIMEOUT).confirmed();
      acked.add(ok);
      allConfirmed &= ok;
    }
    if (allConfirmed) {
      channel.basicAck(batch.get(batch.size() - 1).tag(), true);
    } else {
      for (int i = 0; i < batch.size(); i++) {
        if (acked.get(i)) {
          channel.basicAck(batch.get(i).tag(), false);
        } else {
          log.warn(
              "could not move delivery {} ({}) to its retry or dead-letter queue; returning it",
              LogSafe.escape(batch.get(i).properties().getMessageId()),
              LogSafe.escape(batch.get(i).eventTypeLabel()));
          channel.basicNack(batch.get(i).tag(), false, true);
        }
      }
    }
    record(batch, outcomes, routed, acked);
    return acked;
  }

  private FailureRouter.Routed route(Delivery delivery, Outcome outcome)
      throws IOException, InterruptedException {
    if (outcome instanceof Outcome.Retry retry) {
      return router.retryOrDeadLetter(delivery, retry.cause());
    }
    if (outcome instanceof Outcome.DeadLetter dead) {
      return router.deadLetter(
          delivery, dead.reason(), dead.cause(), delivery.previousAttempts() + 1);
    }
    return null;
  }

  private void record(
      List<Delivery> batch,
      List<Outcome> outcomes,
      List<FailureRouter.Routed> routed,
      List<Boolean> acked) {
    for (int i = 0; i < batch.size(); i++) {
      if (!acked.get(i)) {
        continue;
      }
      String type = batch.get(i).eventTypeLabel();
      metrics.acked(type);
      Outcome outcome = outcomes.get(i);
      FailureRouter.Routed r = routed.get(i);
      if (outcome instanceof Outcome.Duplicate) {
        metrics.duplicate(type);
      } else if (r != null && r.reason() != null) {
        metrics.deadLettered(type, r.reason());
        log.warn(
            "dead-lettered {} {}: {} ({})",
            LogSafe.escape(type),
            LogSafe.escape(batch.get(i).properties().getMessageId()),
            r.reason(),
            causeOf(outcome));
      } else if (r != null) {
        metrics.retried(type, r.tier());
        log.info(
            "retrying {} {} after {}: {}",
            LogSafe.escape(type),
            LogSafe.escape(batch.get(i).properties().getMessageId()),
            r.tier(),
            causeOf(outcome));
      }
    }
  }

  private static String causeOf(Outcome outcome) {
    Throwable cause =
        outcome instanceof Outcome.Retry retry
            ? retry.cause()
            : outcome instanceof Outcome.DeadLetter dead ? dead.cause() : null;
    return cause == null ? "" : LogSafe.escape(cause, DeadLetterHeaders.MAX_MESSAGE_CHARS);
  }
}
