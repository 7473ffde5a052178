package orderflow.producer;

import java.io.PrintWriter;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import orderflow.config.LogSafe;
import orderflow.envelope.ShippingAddress;
import orderflow.orderservice.OrderDetails;
import orderflow.orderservice.OrderState;
import orderflow.orderservice.PersonalData;
import orderflow.privacy.AddressCipher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code producer orders show ORDER_ID}, with the address in clear: an operator's view. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description =
        "Show an order's state and every event of it, in causal order, with hop latencies.")
final class OrdersShowCommand extends OrdersQuery {
  @Parameters(index = "0", paramLabel = "ORDER_ID")
  String orderId;

  @Override
  int execute() throws Exception {
    OrderDetails details =
        read(c -> PersonalData.show(c, orderId, AddressCipher.fromEnvironment()))
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no order '" + LogSafe.escape(orderId) + "' in the order read model"));
    if (json) {
      printJson(details.toJson());
      return 0;
    }
    PrintWriter out = out();
    OrderState s = details.state();
    out.printf("order     %s%n", LogSafe.escape(s.orderId()));
    out.printf("status    %s%n", s.status());
    out.printf("customer  %s%n", s.customerId() == null ? "-" : LogSafe.escape(s.customerId()));
    out.printf("total     %s%n", s.totalAmount() == null ? "-" : s.totalAmount().toPlainString());
    out.printf("trace     %s%n", details.traceId() == null ? "-" : details.traceId());
    ShippingAddress to = details.shippingAddress();
    if (to != null) {
      String lines =
          details.erased()
              ? "[erased]"
              : Stream.of(to.street(), to.postalCode(), to.city())
                  .filter(Objects::nonNull)
                  .map(LogSafe::escape)
                  .collect(Collectors.joining(", "));
      out.printf("ship to   %s%s%n", lines.isEmpty() ? "" : lines + ", ", to.country());
    }
    s.items()
        .forEach(
            item ->
                out.printf(
                    "  item    %s x %d at %s%n",
                    LogSafe.escape(item.productId()),
                    item.quantity(),
                    item.price() == null ? "-" : item.price().toPlainString()));
    optional(out, "rejected  %s%n", s.rejectionReason());
    optional(
        out, "shipment  %s%n", s.carrier() == null ? null : s.carrier() + " " + s.trackingNumber());
    optional(out, "cancel    %s%n", s.cancellationReason());
    optional(out, "refused   %s%n", s.cancellationRefusal());
    optional(out, "failed    %s%n", s.failureReason());
    if (s.releasedAt() != null) {
      out.printf("released  %s (stock given back)%n", s.releasedAt());
    }
    out.printf(
        "%n%-24s %-18s %10s  %-36s %s%n", "TIMESTAMP", "EVENT", "HOP MS", "EVENT ID", "SOURCE");
    for (OrderDetails.EventLine line : details.events()) {
      out.printf(
          "%-24s %-18s %10s  %-36s %s%n",
          line.event().timestamp(),
          line.event().eventType().wireName(),
          line.hopLatency() == null ? "-" : Long.toString(line.hopLatency().toMillis()),
          line.event().eventId(),
          LogSafe.escape(line.event().metadata().source()));
    }
    out.flush();
    return 0;
  }

  /** A row only when there is something to say, escaped: it may come from a message. */
  private static void optional(PrintWriter out, String format, String value) {
    if (value != null) {
      out.printf(format, LogSafe.escape(value));
    }
  }
}
