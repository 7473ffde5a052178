package orderflow.producer;

import orderflow.envelope.EventEnvelope;
import orderflow.envelope.OrderCancelled;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code producer cancel}: publishes one OrderCancelled; shipping decides whether it wins. */
@Command(
    name = "cancel",
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

  @Override
  int execute() throws Exception {
    OrderCancelled cancellation =
        asUsageError("invalid cancellation", () -> new OrderCancelled(orderId, reason));
    EventEnvelope event = EventEnvelope.first(cancellation, OrderCommand.SOURCE);
    record Published(String orderId, String eventId, String reason) {}
    return publish(
        "cancel",
        event,
        "cancellation of order " + orderId,
        "cancellation of " + orderId + " published (event " + event.eventId() + ")",
        new Published(orderId, event.eventId().toString(), reason));
  }
}
