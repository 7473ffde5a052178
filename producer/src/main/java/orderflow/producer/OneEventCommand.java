package orderflow.producer;

import com.rabbitmq.client.ShutdownSignalException;
import java.time.Duration;
import java.util.Optional;
import orderflow.broker.FailureLine;
import orderflow.config.Durations;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.publish.ConfirmingPublisher;
import orderflow.publish.EventMessages;
import orderflow.publish.PublishOutcome;
import orderflow.publish.PublishSpans;
import orderflow.trace.Tracing;
import orderflow.trace.TracingOption;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** A command that publishes one event and waits for its confirm ({@code order}, {@code cancel}). */
abstract class OneEventCommand extends BrokerCommand {
  @Option(
      names = "--timeout",
      defaultValue = "10s",
      paramLabel = "DURATION",
      converter = Durations.Positive.class,
      description = "How long to wait for the confirm (default ${DEFAULT-VALUE})")
  Duration timeout;

  @Mixin TopologyOption topology;

  @Mixin TracingOption tracing;

  @Option(names = "--json", description = "Print the published event's ids as one JSON object")
  boolean json;

  /** Prints {@code published} (--json) or {@code line} once {@code event} is confirmed. */
  int publish(
      String connectionPurpose, EventEnvelope event, String subject, String line, Object published)
      throws Exception {
    BlockedNotice blocks;
    PublishOutcome outcome;
    ShutdownSignalException channelClosed;
    Optional<String> refusal;
    // Closed last: the span ends with the broker's answer or the channel's close, then is exported.
    try (Tracing traces = tracing.open(BrokerSession.PROCESS_NAME);
        BrokerSession session =
            BrokerSession.open(spec, broker, connectionPurpose, topology.setup());
        ConfirmingPublisher publisher =
            new ConfirmingPublisher(session.connection().createChannel(), 1)) {
      blocks = session.reportBlocks(spec.commandLine().getErr());
      EventMessages messages = new EventMessages(new EventCodec());
      outcome =
          ConfirmingPublisher.await(
              new PublishSpans(traces)
                  .publish(
                      publisher, messages.toMessage(event, session.topology().ordersExchange())),
              timeout);
      refusal = publisher.refusal();
      channelClosed = publisher.channel().getCloseReason();
      session.abortIfBlocked(blocks, publisher.channel());
    }
    if (outcome == PublishOutcome.CONFIRMED) {
      ProducerCommand.answer(spec, json, published, out -> out.println(line));
      return 0;
    }
    // A channel the broker closed says more than "no confirm".
    String why =
        refusal
            .map(reply -> "refused by the broker: " + reply)
            .orElseGet(
                () ->
                    outcome == PublishOutcome.UNCONFIRMED && channelClosed != null
                        ? FailureLine.describe(channelClosed)
                        : explain(outcome, event.routingKey(), blocks));
    throw new CommandFailure(subject + " was not accepted: " + why, null);
  }

  private String explain(PublishOutcome outcome, String routingKey, BlockedNotice blocks) {
    return switch (outcome) {
      case NACKED -> "NACKED by the broker (a queue refused it, e.g. at its length limit)";
      case RETURNED ->
          "RETURNED as unroutable (no queue is bound for "
              + routingKey
              + "; run `producer topology declare`)";
      case UNCONFIRMED ->
          "UNCONFIRMED: no confirm within "
              + timeout.toMillis()
              + " ms"
              + (blocks.blocks() > 0 ? " (the broker blocked publishing meanwhile)" : "");
      case CONFIRMED -> "CONFIRMED";
    };
  }
}
