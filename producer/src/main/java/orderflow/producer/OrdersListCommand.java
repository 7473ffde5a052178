package orderflow.producer;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import orderflow.config.LogSafe;
import orderflow.orderservice.OrderDetails;
import orderflow.orderservice.OrderFilter;
import orderflow.orderservice.OrderQueries;
import orderflow.orderservice.OrderState;
import orderflow.orderservice.OrderStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/** {@code producer orders list}: orders from the read model, newest first. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "List orders from the read model, newest first.")
final class OrdersListCommand extends OrdersQuery {
  @Option(names = "--customer", paramLabel = "C", description = "Only this customer's orders")
  String customer;

  @Option(
      names = "--status",
      paramLabel = "S",
      converter = StatusConverter.class,
      description = "Only orders in this status: CREATED, RESERVED, REJECTED, SHIPPED, ...")
  OrderStatus status;

  @Option(
      names = "--since",
      paramLabel = "T",
      description =
          "Only orders whose first event is at or after T (ISO-8601, e.g. 2026-01-31T10:00:00Z)")
  Instant since;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "" + OrderFilter.DEFAULT_LIMIT,
      description = "At most N orders, 0 for all (default ${DEFAULT-VALUE})")
  int limit;

  @Override
  int execute() throws Exception {
    if (limit < 0) {
      throw new ParameterException(spec.commandLine(), "--limit must not be negative");
    }
    OrderFilter filter = new OrderFilter(customer, status, since, limit);
    List<OrderState> orders = read(c -> new OrderQueries().list(c, filter));
    if (json) {
      printJson(orders.stream().map(OrderDetails::summaryJson).toList());
      return 0;
    }
    PrintWriter out = out();
    if (orders.isEmpty()) {
      out.println("no orders match");
      out.flush();
      return 0;
    }
    out.printf(
        "%-36s %-9s %-20s %12s %-24s %s%n",
        "ORDER", "STATUS", "CUSTOMER", "TOTAL", "UPDATED", "DETAIL");
    for (OrderState s : orders) {
      out.printf(
          "%-36s %-9s %-20s %12s %-24s %s%n",
          LogSafe.escape(s.orderId()),
          s.status(),
          s.customerId() == null ? "-" : LogSafe.escape(s.customerId()),
          s.totalAmount() == null ? "-" : s.totalAmount().toPlainString(),
          s.lastEventAt(),
          LogSafe.escape(detail(s)));
    }
    out.flush();
    return 0;
  }

  static final class StatusConverter implements ITypeConverter<OrderStatus> {
    @Override
    public OrderStatus convert(String value) {
      try {
        return OrderStatus.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  private static String detail(OrderState s) {
    return switch (s.status()) {
      case REJECTED -> s.rejectionReason();
      case CANCELLED -> "cancelled: " + s.cancellationReason();
      case FAILED -> "failed: " + s.failureReason();
      case SHIPPED ->
          s.carrier()
              + " "
              + s.trackingNumber()
              + (s.cancellationRefusal() == null
                  ? ""
                  : " (cancellation refused: " + s.cancellationRefusal() + ")");
      default ->
          s.cancellationReason() == null ? "" : "cancellation asked: " + s.cancellationReason();
    };
  }
}
