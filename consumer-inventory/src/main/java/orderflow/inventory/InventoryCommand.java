package orderflow.inventory;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.List;
import orderflow.cli.ConsumerCommand;
import orderflow.cli.JsonOutput;
import orderflow.cli.ManifestVersion;
import orderflow.cli.QueryDatabase;
import orderflow.config.LogSafe;
import orderflow.topology.Topology;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code consumer-inventory}: the inventory service and its query and admin commands. */
@Command(
    name = "consumer-inventory",
    scope = ScopeType.INHERIT, // every subcommand, dlq too, has --help and --version
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    description = {
      "Reserves stock for every OrderCreated, whole orders or nothing, and answers stock queries.",
      "Without a subcommand, runs the service (same as 'run')."
    },
    subcommands = StockCommand.class)
public final class InventoryCommand {
  @Spec private CommandSpec spec;

  public static void main(String[] args) {
    ConsumerCommand.main(args, InventoryCommand::commandLine);
  }

  static CommandLine commandLine() {
    return ConsumerCommand.commandLine(
        new InventoryCommand(), "consumer-inventory", Topology.INVENTORY_QUEUE);
  }

  @Command(
      name = ConsumerCommand.RUN,
      description = "Run the inventory service until SIGTERM (the default command).")
  int run(
      @Mixin ConsumerCommand service,
      @Option(
              names = "--default-stock",
              paramLabel = "N",
              defaultValue = "" + InventoryHandler.DEFAULT_STOCK,
              description =
                  "Stock a product never seen before starts with (default ${DEFAULT-VALUE})")
          int defaultStock)
      throws Exception {
    return service.run(InventoryService.NAME, () -> InventoryService.definition(defaultStock));
  }

  /** {@code ledger} is the stock rebuilt from the movements, {@code readModel} the stored one. */
  record History(
      String productId,
      List<StockLedger.Movement> movements,
      StockLedger.StockLevel ledger,
      StockLedger.StockLevel readModel,
      boolean consistent) {}

  @Command(
      name = "history",
      description = {
        "Show a product's stock movements in order, the stock rebuilt from them (the ledger),",
        "and the read model's figure next to it."
      })
  int history(@Parameters(paramLabel = "PRODUCT") String productId, @Mixin QueryDatabase query)
      throws SQLException {
    History history =
        query.read(
            InventoryService.NAME,
            "stock",
            true,
            c -> {
              StockLedger stock = new StockLedger(c);
              List<StockLedger.Movement> movements = stock.movements(productId);
              StockLedger.StockLevel read =
                  stock.level(productId).orElseThrow(() -> unknown(productId));
              StockLedger.StockLevel ledger = StockLedger.replay(productId, movements);
              return new History(productId, movements, ledger, read, ledger.equals(read));
            });
    PrintWriter out = spec.commandLine().getOut();
    if (query.json) {
      JsonOutput.print(out, history);
      return 0;
    }
    out.printf("%-6s %-24s %-11s %7s %-36s %s%n", "#", "AT", "KIND", "DELTA", "ORDER", "REASON");
    for (StockLedger.Movement m : history.movements()) {
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

  /** A query named a product with no stock record. */
  static IllegalStateException unknown(String productId) {
    return new IllegalStateException(
        "no stock recorded for product '"
            + LogSafe.escape(productId)
            + "' (it appears with its first order or 'stock set')");
  }
}
