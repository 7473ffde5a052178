package orderflow.producer;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import orderflow.cli.JsonOutput;
import orderflow.cli.ManifestVersion;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventLimits;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.ShippingAddress;
import picocli.CommandLine.Command;
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
final class OrderCommand extends OneEventCommand {
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
    Optional<String> notAccepted = publishConfirmed("order", event);
    if (notAccepted.isPresent()) {
      return fail("order " + order.orderId() + " was not accepted: " + notAccepted.get(), null);
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
}
