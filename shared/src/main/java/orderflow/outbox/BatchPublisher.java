package orderflow.outbox;

import com.rabbitmq.client.ShutdownSignalException;
import io.opentelemetry.api.trace.Span;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import orderflow.publish.ConfirmingPublisher;
import orderflow.publish.PublishOutcome;
import orderflow.publish.PublishSpans;
import orderflow.store.OutboxEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a batch of outbox rows on one confirming channel and waits for the broker's answers.
 * Rows confirmed or returned (unroutable) are settled; the rest (nacked, unconfirmed, not published
 * because the channel failed) stay for a later attempt. Confined to one thread.
 */
final class BatchPublisher {
  private static final Logger log = LoggerFactory.getLogger(BatchPublisher.class);

  private final ConfirmingPublisher publisher;
  private final Duration confirmTimeout;
  private final PublishSpans spans;

  /** What became of one batch. */
  record Outcome(List<Long> settled, int returned, int failed, Exception channelFailure) {
    static final Outcome EMPTY = new Outcome(List.of(), 0, 0, null);
  }

  BatchPublisher(ConfirmingPublisher publisher, Duration confirmTimeout, PublishSpans spans) {
    this.publisher = publisher;
    this.confirmTimeout = confirmTimeout;
    this.spans = spans;
  }

  /** One row handed to the channel, with its PRODUCER span and the broker's answer to come. */
  private record Sent(OutboxEntry row, Span span, CompletableFuture<PublishOutcome> answer) {}

  ConfirmingPublisher publisher() {
    return publisher;
  }

  Outcome publish(List<OutboxEntry> rows) throws InterruptedException {
    List<Sent> published = new ArrayList<>(rows.size());
    Exception channelFailure = null;
    for (OutboxEntry row : rows) {
      PublishSpans.Traced traced = spans.start(row.message());
      try {
        published.add(new Sent(row, traced.span(), publisher.publish(traced.message())));
      } catch (IOException | ShutdownSignalException e) {
        PublishSpans.failed(traced.span(), e);
        // Still wait for what was published before: confirmed rows need not be sent again.
        channelFailure = e;
        break;
      }
    }
    int notPublished = rows.size() - published.size();
    return settle(published, notPublished, channelFailure);
  }

  private Outcome settle(List<Sent> published, int failed, Exception channelFailure)
      throws InterruptedException {
    long deadline = System.nanoTime() + confirmTimeout.toNanos();
    List<Long> settled = new ArrayList<>(published.size());
    int returned = 0;
    for (int i = 0; i < published.size(); i++) {
      OutboxEntry row = published.get(i).row();
      Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
      PublishOutcome outcome = ConfirmingPublisher.await(published.get(i).answer(), left);
      PublishSpans.end(published.get(i).span(), outcome);
      switch (outcome) {
        case CONFIRMED -> settled.add(row.id());
        case RETURNED -> {
          log.debug(
              "outbox event {} to {} with key {} was unroutable (no queue bound); marking it sent",
              row.message().properties().getMessageId(),
              row.message().exchange(),
              row.message().routingKey());
          settled.add(row.id());
          returned++;
        }
        case NACKED, UNCONFIRMED -> failed++;
      }
    }
    if (channelFailure == null && !publisher.channel().isOpen()) {
      // The broker closed the channel after accepting the publishes, e.g. a missing exchange.
      channelFailure = publisher.channel().getCloseReason();
    }
    return new Outcome(settled, returned, failed, channelFailure);
  }
}
