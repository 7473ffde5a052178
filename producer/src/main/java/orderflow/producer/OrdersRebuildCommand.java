package orderflow.producer;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import orderflow.broker.FailureLine;
import orderflow.cli.JsonOutput;
import orderflow.config.LogSafe;
import orderflow.consume.options.DatabaseOptions;
import orderflow.orderservice.OrderRebuild;
import orderflow.orderservice.OrderService;
import orderflow.orderservice.StreamProjection;
import orderflow.store.Database;
import orderflow.stream.StreamWalk;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code producer orders rebuild [ORDER_ID]}; the broker options matter with --from-stream only.
 */
@Command(
    name = "rebuild",
    mixinStandardHelpOptions = true,
    description = {
      "Rebuild the read model from the event store, of one order or of all, and report every",
      "order whose rebuilt state differs from what the read model held (it is then replaced).",
      "With --from-stream: build a fresh read model from the events stream in a new file (SQLite)",
      "or schema (PostgreSQL) while the live one keeps serving, then swap it in in one",
      "transaction and report what differed."
    })
final class OrdersRebuildCommand extends BrokerCommand {
  @Parameters(arity = "0..1", paramLabel = "ORDER_ID", description = "Only this order")
  String orderId;

  @Option(
      names = "--from-stream",
      description = "Rebuild every order from the events stream instead of the event store")
  boolean fromStream;

  @Option(names = "--json", description = "Print one JSON object")
  boolean json;

  @Mixin DatabaseOptions database;
  @Mixin TopologyOption topology;

  @Override
  int execute() throws Exception {
    String url = database.url(OrderService.NAME);
    if (fromStream && orderId != null) {
      throw new ParameterException(
          spec.commandLine(), "--from-stream rebuilds every order: give no ORDER_ID");
    }
    try (Database db = openExisting(url)) {
      db.migrate(OrderService.NAME);
      if (fromStream) {
        OrderRebuild.StreamReport report;
        try (BrokerSession session =
            BrokerSession.open(spec, broker, "rebuild", topology.setup())) {
          report =
              new OrderRebuild(db)
                  .fromStream(
                      url,
                      Clock.systemUTC(),
                      new StreamWalk(
                          session.connection(),
                          session.topology().eventsStream(),
                          false,
                          StreamProjection.MAX_BATCH));
        }
        print(
            report,
            report.differences(),
            "rebuilt %d orders from %d stream events (%d invalid skipped) and swapped them in;"
                + " %d differed from the read model, %d kept (newer than the stream's end), %d"
                + " kept (not in the stream)%n",
            report.rebuilt(),
            report.events(),
            report.skipped(),
            report.differences().size(),
            report.keptNewer(),
            report.notInStream());
      } else {
        OrderRebuild.Report report = new OrderRebuild(db).rebuild(orderId);
        print(
            report,
            report.differences(),
            "rebuilt %d orders, %d differed from the read model%n",
            report.rebuilt(),
            report.differences().size());
      }
    } catch (SQLException | IllegalStateException e) {
      return fail(FailureLine.describe(e), e);
    }
    return 0;
  }

  private static Database openExisting(String url) {
    Database.requireExisting(url);
    return Database.open(url);
  }

  private void print(
      Object report, List<OrderRebuild.Difference> differences, String format, Object... args) {
    if (json) {
      JsonOutput.print(out(), report);
      return;
    }
    PrintWriter out = out();
    out.printf(format, args);
    for (OrderRebuild.Difference d : differences) {
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
