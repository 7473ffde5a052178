package orderflow.producer;

import java.io.PrintWriter;
import java.util.Optional;
import orderflow.cli.JsonOutput;
import orderflow.cli.ManifestVersion;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.OrderCancelled;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code producer cancel}: publishes one OrderCancelled; shipping decides whether it wins. */
@Command(
    name = "cancel",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    description = {
      "Asks for an order's cancellation: publishes one OrderCancelled and waits for the broker's"
          + " confirm.",
      "Shipping decides: an order not shipped yet ends CANCELLED and its stock is released; a"
          + " shipped order stays SHIPPED and the cancellation is refused with the reason. Also"
          + " resolves an order stuck in a dead-letter queue backwards.",
      "Exits 1 if the broker nacks it, no queue takes it, or no confirm arrives within --timeout."
    })
final class CancelCommand extends OneEventCommand {
  @Parameters(index = "0", paramLabel = "ORDER_ID", description = "The order to cancel")
  String orderId;

  @Option(
      names = "--reason",
      defaultValue = "cancelled on request",
      paramLabel = "TEXT",
      description = "Why (default: ${DEFAULT-VALUE})")
  String reason;

  @Option(names = "--json", description = "Print {orderId, eventId, reason} as JSON")
  boolean json;

  @Override
  int execute() throws Exception {
    OrderCancelled cancellation =
        asUsageError("invalid cancellation", () -> new OrderCancelled(orderId, reason));
    EventEnvelope event = EventEnvelope.first(cancellation, OrderCommand.SOURCE);
    Optional<String> notAccepted = publishConfirmed("cancel", event);
    if (notAccepted.isPresent()) {
      return fail(
          "cancellation of order " + orderId + " was not accepted: " + notAccepted.get(), null);
    }
    PrintWriter out = out();
    if (json) {
      record Published(String orderId, String eventId, String reason) {}
      JsonOutput.print(out, new Published(orderId, event.eventId().toString(), reason));
    } else {
      out.println("cancellation of " + orderId + " published (event " + event.eventId() + ")");
    }
    out.flush();
    return 0;
  }
}
