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
 * Publishes batches of outbox rows on one confirming channel ({@link #send}) and collects the
 * broker's answers ({@link Sending#settle}). Rows confirmed or returned (unroutable) are settled;
 * the rest (nacked, unconfirmed, not published because the channel failed) stay for a later
 * attempt. Confined to one thread.
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

  /** Publishes {@code rows} and waits for the broker's answers. */
  Outcome publish(List<OutboxEntry> rows) throws InterruptedException {
    return send(rows).settle();
  }

  /**
   * Publishes {@code rows} without waiting for the broker; a channel failure stops at the row that
   * met it, and the rows before it are still settled.
   */
  Sending send(List<OutboxEntry> rows) throws InterruptedException {
    List<Sent> published = new ArrayList<>(rows.size());
    Exception channelFailure = null;
    for (OutboxEntry row : rows) {
      PublishSpans.Traced traced = spans.start(row.message());
      try {
        published.add(new Sent(row, traced.span(), publisher.publish(traced.message())));
      } catch (IOException | ShutdownSignalException e) {
        PublishSpans.failed(traced.span(), e);
        channelFailure = e;
        break;
      }
    }
    return new Sending(published, rows.size() - published.size(), channelFailure);
  }

  /** A batch published, its answers on their way. */
  final class Sending {
    private final List<Sent> published;
    private final int notPublished;
    private final Exception channelFailure;
    private final long deadline = System.nanoTime() + confirmTimeout.toNanos();
    private final CompletableFuture<Void> answered;

    private Sending(List<Sent> published, int notPublished, Exception channelFailure) {
      this.published = published;
      this.notPublished = notPublished;
      this.channelFailure = channelFailure;
      this.answered =
          CompletableFuture.allOf(
              published.stream().map(Sent::answer).toArray(CompletableFuture[]::new));
    }

    /** Completes once the broker answered every publish (on the connection's thread). */
    CompletableFuture<Void> answered() {
      return answered;
    }

    /** Waits for the answers not yet in, until the confirm timeout after the send. */
    Outcome settle() throws InterruptedException {
      List<Long> settled = new ArrayList<>(published.size());
      int returned = 0;
      int failed = notPublished;
      for (Sent sent : published) {
        Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        PublishOutcome outcome = ConfirmingPublisher.await(sent.answer(), left);
        PublishSpans.end(sent.span(), outcome);
        switch (outcome) {
          case CONFIRMED -> settled.add(sent.row().id());
          case RETURNED -> {
            log.debug(
                "outbox event {} to {} with key {} was unroutable (no queue bound); marking it sent",
                sent.row().message().properties().getMessageId(),
                sent.row().message().exchange(),
                sent.row().message().routingKey());
            settled.add(sent.row().id());
            returned++;
          }
          case NACKED, UNCONFIRMED -> failed++;
        }
      }
      Exception failure = channelFailure;
      if (failure == null && !publisher.channel().isOpen()) {
        // The broker closed the channel after accepting the publishes, e.g. a missing exchange.
        failure = publisher.channel().getCloseReason();
      }
      return new Outcome(settled, returned, failed, failure);
    }
  }
}
