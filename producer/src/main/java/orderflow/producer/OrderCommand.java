package orderflow.producer;

import com.rabbitmq.client.ShutdownSignalException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import orderflow.cli.JsonOutput;
import orderflow.cli.ManifestVersion;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventLimits;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.ShippingAddress;
import orderflow.publish.ConfirmingPublisher;
import orderflow.publish.EventMessages;
import orderflow.publish.PublishOutcome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code producer order}: publishes one OrderCreated and waits for the broker's confirm. */
@Command(
    name = "order",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    description = {
      "Publishes one OrderCreated event and waits for the broker's confirm.",
      "Prints the orderId. Exits 1 if the broker nacks it, no queue takes it (returned),"
          + " or no confirm arrives within --timeout."
    })
final class OrderCommand extends BrokerCommand {
  static final String SOURCE = "producer";

  @Option(names = "--customer", required = true, paramLabel = "C", description = "Customer id")
  String customer;

  @Option(
      names = "--item",
      required = true,
      arity = "1..*",
      paramLabel = "PRODUCT:QTY[:PRICE]",
      converter = ItemSpec.Converter.class,
      description =
          "An order line, repeatable (at most "
              + EventLimits.MAX_ITEMS
              + "); price is a decimal unit price, e.g. sku-42:2:19.99")
  List<ItemSpec> items;

  @Option(
      names = "--ship-to",
      paramLabel = "COUNTRY",
      description =
          "Destination country, ISO 3166-1 alpha-2 (e.g. NL); shipping refuses one no carrier"
              + " serves (AQ). Default: no address")
  String shipTo;

  @Option(
      names = "--timeout",
      defaultValue = "10s",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long to wait for the confirm (default ${DEFAULT-VALUE})")
  Duration timeout;

  @Mixin TopologyOption topology;

  @Option(names = "--json", description = "Print {orderId, eventId, correlationId} as JSON")
  boolean json;

  @Override
  int execute() throws Exception {
    if (customer.isBlank()) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--customer must not be blank");
    }
    OrderCreated order =
        OrderRules.asUsageError(
            spec,
            "invalid order",
            () ->
                OrderCreated.of(
                    UUID.randomUUID().toString(),
                    customer.strip(),
                    items.stream().map(ItemSpec::toOrderItem).toList(),
                    shipTo == null ? null : ShippingAddress.country(shipTo)));
    EventEnvelope event = EventEnvelope.first(order, SOURCE);
    BlockedNotice blocks;
    PublishOutcome outcome;
    ShutdownSignalException channelClosed;
    Optional<String> refusal;
    try (BrokerSession session = BrokerSession.open(spec, broker, "order", topology.setup());
        ConfirmingPublisher publisher =
            new ConfirmingPublisher(session.connection().createChannel(), 1)) {
      blocks = session.reportBlocks(spec.commandLine().getErr());
      EventMessages messages = new EventMessages(new EventCodec());
      outcome =
          publisher.publishAndWait(
              messages.toMessage(event, session.topology().ordersExchange()), timeout);
      refusal = publisher.refusal();
      channelClosed = publisher.channel().getCloseReason();
      session.abortIfBlocked(publisher.channel());
    }
    if (outcome != PublishOutcome.CONFIRMED) {
      // A channel the broker closed (a refused permission, a missing exchange) ends the wait
      // early; its reason says more than "no confirm".
      String why =
          refusal
              .map(reply -> "refused by the broker: " + reply)
              .orElseGet(
                  () ->
                      outcome == PublishOutcome.UNCONFIRMED && channelClosed != null
                          ? BrokerErrors.describe(channelClosed)
                          : explain(outcome, blocks));
      return fail("order " + order.orderId() + " was not accepted: " + why, null);
    }
    PrintWriter out = out();
    if (json) {
      Map<String, String> result = new LinkedHashMap<>();
      result.put("orderId", order.orderId());
      result.put("eventId", event.eventId().toString());
      result.put("correlationId", event.metadata().correlationId());
      JsonOutput.print(out, result);
    } else {
      out.println(order.orderId());
    }
    out.flush();
    return 0;
  }

  private String explain(PublishOutcome outcome, BlockedNotice blocks) {
    return switch (outcome) {
      case NACKED -> "NACKED by the broker (a queue refused it, e.g. at its length limit)";
      case RETURNED ->
          "RETURNED as unroutable (no queue is bound for order.created; run `producer topology"
              + " declare`)";
      case UNCONFIRMED ->
          "UNCONFIRMED: no confirm within "
              + timeout.toMillis()
              + " ms"
              + (blocks.blocks() > 0 ? " (the broker blocked publishing meanwhile)" : "");
      case CONFIRMED -> "CONFIRMED";
    };
  }
}
