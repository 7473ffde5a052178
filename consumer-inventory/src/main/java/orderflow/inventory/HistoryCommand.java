package orderflow.inventory;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;
import orderflow.cli.JsonOutput;
import orderflow.cli.QueryDatabase;
import orderflow.config.LogSafe;
import orderflow.consume.options.DatabaseOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code consumer-inventory history PRODUCT}: the product's ledger in order, and the stock rebuilt
 * from it next to the read model's, read from one snapshot.
 */
@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    description = {
      "Show a product's stock movements in order, the stock rebuilt from them (the ledger),",
      "and the read model's figure next to it."
    })
final class HistoryCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "PRODUCT")
  private String productId;

  @Option(names = "--json", description = "Print one JSON object")
  private boolean json;

  @Option(names = "--verbose", description = "Print stack traces with errors")
  private boolean verbose;

  @Mixin private DatabaseOptions database;
  @Spec private CommandSpec spec;

  record History(
      String productId,
      List<StockQueries.Movement> movements,
      Figure ledger,
      Figure readModel,
      boolean consistent) {}

  record Figure(int available, int reserved) {}

  @Override
  public Integer call() throws SQLException {
    History history =
        QueryDatabase.read(
            database.url(InventoryService.NAME),
            InventoryService.NAME,
            "stock",
            true,
            c -> {
              StockQueries queries = new StockQueries(c);
              List<StockQueries.Movement> movements = queries.movements(productId);
              StockQueries.StockLevel read =
                  queries.of(productId).orElseThrow(() -> new UnknownProductException(productId));
              StockQueries.StockLevel rebuilt = StockQueries.replay(productId, movements);
              Figure ledger = new Figure(rebuilt.available(), rebuilt.reserved());
              Figure readModel = new Figure(read.available(), read.reserved());
              return new History(productId, movements, ledger, readModel, ledger.equals(readModel));
            });
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      JsonOutput.print(out, history);
      return 0;
    }
    out.printf("%-6s %-24s %-11s %7s %-36s %s%n", "#", "AT", "KIND", "DELTA", "ORDER", "REASON");
    for (StockQueries.Movement m : history.movements()) {
      out.printf(
          "%-6d %-24s %-11s %+7d %-36s %s%n",
          m.id(),
          m.createdAt(),
          m.kind(),
          m.delta(),
          m.orderId() == null ? "-" : LogSafe.escape(m.orderId()),
          m.reason() == null ? "" : LogSafe.escape(m.reason()));
    }
    out.printf(
        "ledger:     available %d, reserved %d%n",
        history.ledger().available(), history.ledger().reserved());
    out.printf(
        "read model: available %d, reserved %d (%s)%n",
        history.readModel().available(),
        history.readModel().reserved(),
        history.consistent() ? "consistent" : "DIFFERENT from the ledger");
    out.flush();
    return 0;
  }
}
