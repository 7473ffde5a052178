package orderflow.producer;

import java.io.PrintWriter;
import orderflow.config.LogSafe;
import orderflow.orderservice.OrderRebuild;
import orderflow.orderservice.OrderService;
import orderflow.store.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code producer orders rebuild [ORDER_ID]}: folds orders again from the event store and reports
 * (and repairs) every read-model row that differed.
 */
@Command(
    name = "rebuild",
    mixinStandardHelpOptions = true,
    description = {
      "Rebuild the read model from the event store, of one order or of all, and report every",
      "order whose rebuilt state differs from what the read model held (it is then replaced)."
    })
final class OrdersRebuildCommand extends OrdersQuery {
  @Parameters(arity = "0..1", paramLabel = "ORDER_ID", description = "Only this order")
  String orderId;

  @Override
  int execute() throws Exception {
    Database.requireExisting(url());
    OrderRebuild.Report report;
    try (Database db = Database.open(url())) {
      db.migrate(OrderService.NAME, OrderService.migrations());
      report = new OrderRebuild(db).rebuild(orderId);
    }
    if (json) {
      printJson(report);
    } else {
      print(out(), report);
    }
    return 0;
  }

  private static void print(PrintWriter out, OrderRebuild.Report report) {
    out.printf(
        "rebuilt %d orders, %d differed from the read model%n",
        report.rebuilt(), report.differences().size());
    for (OrderRebuild.Difference d : report.differences()) {
      out.printf(
          "  %s: %s -> %s (%s)%n",
          LogSafe.escape(d.orderId()),
          d.before() == null ? "missing" : d.before(),
          d.after(),
          String.join(", ", d.fields()));
    }
    out.flush();
  }
}
