package orderflow.consume.engine;

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
import org.slf4j.MDC;

/**
 * The one place where outcomes become broker actions. Called after the batch's transaction
 * committed: applied, already applied and duplicate deliveries are acked; retries and dead letters
 * are first published (and confirmed) to their queue, then acked. When every publish is confirmed
 * the whole batch is settled with one multiple ack; a delivery whose publish was not confirmed is
 * instead returned to its queue (nack with requeue), so nothing is ever acked that is not safe
 * elsewhere.
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
   * One delivery on its way out: what became of it, its retry or dead-letter publish (null for
   * applied and duplicate deliveries), and whether it was acked (false: nacked back to its queue).
   */
  record Settlement(
      ReceivedDelivery delivery, Outcome outcome, FailureRouter.Routed route, boolean acked) {
    /** Routed, its publish (if any) not yet answered: not acked yet. */
    static Settlement routed(
        ReceivedDelivery delivery, Outcome outcome, FailureRouter.Routed route) {
      return new Settlement(delivery, outcome, route, false);
    }

    /** Once its publish is confirmed, or not within the timeout; at once without a publish. */
    Settlement awaitConfirm() throws InterruptedException {
      boolean ok =
          route == null || ConfirmingPublisher.await(route.confirm(), CONFIRM_TIMEOUT).confirmed();
      return new Settlement(delivery, outcome, route, ok);
    }
  }

  /**
   * @param outcomes one per delivery of {@code batch}, in the same order
   * @return one settlement per delivery, in order
   */
  List<Settlement> settle(Channel channel, List<ReceivedDelivery> batch, List<Outcome> outcomes)
      throws IOException, InterruptedException {
    return settle(channel, batch, outcomes, DeliverySpans.OFF);
  }

  /** As {@link #settle(Channel, List, List)}, ending each delivery's span with its outcome. */
  List<Settlement> settle(
      Channel channel, List<ReceivedDelivery> batch, List<Outcome> outcomes, DeliverySpans spans)
      throws IOException, InterruptedException {
    List<Settlement> routed = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      ReceivedDelivery delivery = batch.get(i);
      Outcome outcome = outcomes.get(i);
      routed.add(Settlement.routed(delivery, outcome, route(delivery, outcome)));
    }
    List<Settlement> settled = new ArrayList<>(batch.size());
    boolean allConfirmed = true;
    for (Settlement s : routed) {
      Settlement answered = s.awaitConfirm();
      settled.add(answered);
      allConfirmed &= answered.acked();
    }
    if (allConfirmed) {
      channel.basicAck(batch.get(batch.size() - 1).tag(), true);
    } else {
      for (int i = 0; i < settled.size(); i++) {
        Settlement s = settled.get(i);
        if (s.acked()) {
          channel.basicAck(s.delivery().tag(), false);
        } else {
          log.warn(
              "could not move delivery {} ({}) to its retry or dead-letter queue; returning it{}",
              LogSafe.escape(s.delivery().properties().getMessageId()),
              LogSafe.escape(s.delivery().eventTypeLabel()),
              traceSuffix(spans.traceId(i)));
          channel.basicNack(s.delivery().tag(), false, true);
        }
      }
    }
    for (int i = 0; i < settled.size(); i++) {
      record(settled.get(i), spans.traceId(i));
      spans.settled(i, settled.get(i));
    }
    return settled;
  }

  private FailureRouter.Routed route(ReceivedDelivery delivery, Outcome outcome)
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

  /**
   * @param traceId the delivery's trace id, or null: named in its log line and in the MDC, set only
   *     when there is a line (not for every acked delivery)
   */
  private void record(Settlement s, String traceId) {
    if (!s.acked()) {
      return;
    }
    if (traceId == null || !logged(s)) {
      count(s, "");
      return;
    }
    MDC.put(DeliverySpans.MDC_TRACE_ID, traceId);
    try {
      count(s, traceSuffix(traceId));
    } finally {
      MDC.remove(DeliverySpans.MDC_TRACE_ID);
    }
  }

  /** Whether {@link #count} writes a line about it: only a retry or a dead letter is routed. */
  private static boolean logged(Settlement s) {
    return s.route() != null;
  }

  private void count(Settlement s, String trace) {
    String type = s.delivery().eventTypeLabel();
    metrics.acked(type);
    FailureRouter.Routed r = s.route();
    if (s.outcome() instanceof Outcome.Duplicate) {
      metrics.duplicate(type);
    } else if (r != null && r.reason() != null) {
      metrics.deadLettered(type, r.reason());
      log.warn(
          "dead-lettered {} {}: {} ({}){}",
          LogSafe.escape(type),
          LogSafe.escape(s.delivery().properties().getMessageId()),
          r.reason(),
          causeOf(s.outcome()),
          trace);
    } else if (r != null) {
      metrics.retried(type, r.tier());
      log.info(
          "retrying {} {} after {}: {}{}",
          LogSafe.escape(type),
          LogSafe.escape(s.delivery().properties().getMessageId()),
          r.tier(),
          causeOf(s.outcome()),
          trace);
    }
  }

  private static String traceSuffix(String traceId) {
    return traceId == null ? "" : " trace " + traceId;
  }

  private static String causeOf(Outcome outcome) {
    Throwable cause =
        outcome instanceof Outcome.Retry retry
            ? retry.cause()
            : outcome instanceof Outcome.DeadLetter dead ? dead.cause() : null;
    return cause == null ? "" : LogSafe.escape(cause, DeadLetterHeaders.MAX_MESSAGE_CHARS);
  }
}
