package orderflow.producer;

import java.io.PrintWriter;
import orderflow.config.LogSafe;
import orderflow.orderservice.OrderDetails;
import orderflow.orderservice.OrderQueries;
import orderflow.orderservice.OrderState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code producer orders show ORDER_ID}: an order's state and its whole story. */
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
        read(c -> new OrderQueries().details(c, orderId))
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no order '" + LogSafe.escape(orderId) + "' in the order read model"));
    if (json) {
      printJson(details.toJson());
    } else {
      print(out(), details);
    }
    return 0;
  }

  private static void print(PrintWriter out, OrderDetails details) {
    OrderState s = details.state();
    out.printf("order     %s%n", LogSafe.escape(s.orderId()));
    out.printf("status    %s%n", s.status());
    out.printf("customer  %s%n", s.customerId() == null ? "-" : LogSafe.escape(s.customerId()));
    out.printf("total     %s%n", s.totalAmount() == null ? "-" : s.totalAmount().toPlainString());
    out.printf("trace     %s%n", details.traceId() == null ? "-" : details.traceId());
    s.items()
        .forEach(
            item ->
                out.printf(
                    "  item    %s x %d at %s%n",
                    LogSafe.escape(item.productId()),
                    item.quantity(),
                    item.price() == null ? "-" : item.price().toPlainString()));
    if (s.rejectionReason() != null) {
      out.printf("rejected  %s%n", LogSafe.escape(s.rejectionReason()));
    }
    if (s.carrier() != null) {
      out.printf(
          "shipment  %s %s%n", LogSafe.escape(s.carrier()), LogSafe.escape(s.trackingNumber()));
    }
    if (s.cancellationReason() != null) {
      out.printf("cancel    %s%n", LogSafe.escape(s.cancellationReason()));
    }
    if (s.cancellationRefusal() != null) {
      out.printf("refused   %s%n", LogSafe.escape(s.cancellationRefusal()));
    }
    if (s.failureReason() != null) {
      out.printf("failed    %s%n", LogSafe.escape(s.failureReason()));
    }
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
  }
}
