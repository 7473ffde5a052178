package orderflow.producer;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import orderflow.envelope.EventEnvelope;
import orderflow.publish.ConfirmingPublisher;
import orderflow.publish.EventMessages;
import orderflow.publish.PublishOutcome;
import orderflow.publish.PublishSpans;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * Publishes a number of orders through a {@link ConfirmingPublisher} (which bounds the unconfirmed
 * window), each in its PRODUCER span when tracing, then waits for every answer. Publishing happens
 * on the calling thread; answers are counted on the connection's thread.
 */
final class LoadRun {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LoadRun.class);

  private final ConfirmingPublisher publisher;
  private final PublishSpans spans;
  private final EventMessages messages;
  private final OrderGenerator orders;
  private final String exchange;
  private final RatePacer pacer;

  private final LongAdder confirmed = new LongAdder();
  private final LongAdder nacked = new LongAdder();
  private final LongAdder returned = new LongAdder();
  private final Semaphore answered = new Semaphore(0);

  /** Microseconds, three significant digits, resized as larger values come; thread-safe. */
  private final ConcurrentHistogram latency = new ConcurrentHistogram(3);

  private volatile long published;

  LoadRun(
      ConfirmingPublisher publisher,
      PublishSpans spans,
      EventMessages messages,
      OrderGenerator orders,
      String exchange,
      RatePacer pacer) {
    this.publisher = publisher;
    this.spans = spans;
    this.messages = messages;
    this.orders = orders;
    this.exchange = exchange;
    this.pacer = pacer;
  }

  long published() {
    return published;
  }

  long confirmed() {
    return confirmed.sum();
  }

  /**
   * Publishes {@code count} orders and waits up to {@code answerTimeout} after the last one for the
   * remaining answers; publishes still unanswered then count as unconfirmed.
   *
   * @throws PublishFailedException if the channel fails mid-run; the summary so far is attached
   */
  LoadSummary run(long count, Duration answerTimeout) throws InterruptedException {
    long start = System.nanoTime();
    pacer.start();
    RuntimeException failure = null;
    for (long i = 0; i < count; i++) {
      pacer.awaitNext();
      EventEnvelope event = EventEnvelope.first(orders.next(), OrderCommand.SOURCE);
      CompletableFuture<PublishOutcome> answer;
      try {
        answer = spans.publish(publisher, messages.toMessage(event, exchange));
      } catch (java.io.IOException | RuntimeException e) {
        failure = new PublishFailedException(BrokerErrors.describe(e), e);
        break;
      }
      // Taken after the send so that waiting for room in the window is not counted as latency.
      long sentAt = System.nanoTime();
      published++;
      answer.whenComplete((outcome, error) -> record(outcome, sentAt));
    }
    long total = published;
    // Whatever is still unanswered at the deadline is reported as unconfirmed.
    boolean allAnswered =
        answered.tryAcquire(
            (int) Math.min(total, Integer.MAX_VALUE),
            answerTimeout.toMillis(),
            TimeUnit.MILLISECONDS);
    if (!allAnswered) {
      LOG.debug("not every publish was answered within {}", answerTimeout);
    }
    LoadSummary summary = summary(total, System.nanoTime() - start);
    if (failure != null) {
      throw new PublishFailedException(failure.getMessage(), failure.getCause(), summary);
    }
    return summary;
  }

  private void record(PublishOutcome outcome, long sentAt) {
    switch (outcome == null ? PublishOutcome.UNCONFIRMED : outcome) {
      case CONFIRMED -> {
        latency.recordValue(Math.max(0, (System.nanoTime() - sentAt) / 1_000));
        confirmed.increment();
      }
      case NACKED -> nacked.increment();
      case RETURNED -> returned.increment();
      case UNCONFIRMED -> {
        // Counted as published minus every other answer when the run is summarised.
      }
    }
    answered.release();
  }

  private LoadSummary summary(long total, long elapsedNanos) {
    double seconds = elapsedNanos / 1e9;
    long confirmedCount = confirmed.sum();
    return new LoadSummary(
        total,
        confirmedCount,
        nacked.sum(),
        returned.sum(),
        Math.max(0, total - confirmedCount - nacked.sum() - returned.sum()),
        round(seconds, 3),
        round(seconds > 0 ? confirmedCount / seconds : 0, 1),
        new LoadSummary.Percentiles(
            round(millis(50), 3), round(millis(95), 3), round(millis(99), 3)),
        0);
  }

  private static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }

  /** Publishing stopped because the channel or connection failed. */
  static final class PublishFailedException extends CommandFailure {
    private static final long serialVersionUID = 1L;
    private final transient LoadSummary summary;

    PublishFailedException(String message, Throwable cause) {
      this(message, cause, null);
    }

    PublishFailedException(String message, Throwable cause, LoadSummary summary) {
      super(message, cause);
      this.summary = summary;
    }

    LoadSummary summary() {
      return summary;
    }
  }

  /** The latency at {@code percentile} (0 to 100) in milliseconds; 0 with no samples. */
  private double millis(double percentile) {
    return latency.getValueAtPercentile(percentile) / 1000.0;
  }
}
