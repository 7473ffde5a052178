package orderflow.inventory;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;
import orderflow.cli.JsonOutput;
import orderflow.cli.QueryDatabase;
import orderflow.config.LogSafe;
import orderflow.consume.options.DatabaseOptions;
import orderflow.envelope.EventLimits;
import orderflow.store.Database;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code consumer-inventory stock [PRODUCT]} and {@code stock set PRODUCT QTY}. */
@Command(
    name = "stock",
    description = "Show available and reserved stock, of one product or of all.")
final class StockCommand implements Callable<Integer> {
  @Parameters(arity = "0..1", paramLabel = "PRODUCT", description = "Only this product")
  private String productId;

  @Mixin private QueryDatabase query;
  @Spec private CommandSpec spec;

  @Override
  public Integer call() throws SQLException {
    List<StockLedger.StockLevel> levels =
        query.read(
            InventoryService.NAME,
            "stock",
            false,
            c ->
                productId == null
                    ? new StockLedger(c).levels()
                    : List.of(
                        new StockLedger(c)
                            .level(productId)
                            .orElseThrow(() -> InventoryCommand.unknown(productId))));
    PrintWriter out = spec.commandLine().getOut();
    if (query.json) {
      JsonOutput.print(out, productId == null ? levels : levels.get(0));
      return 0;
    }
    if (levels.isEmpty()) {
      out.println("no products yet (a product appears with its first order or 'stock set')");
      return 0;
    }
    out.printf("%-36s %10s %10s%n", "PRODUCT", "AVAILABLE", "RESERVED");
    for (StockLedger.StockLevel level : levels) {
      // Rows written before the envelope's limits may hold anything: show it escaped.
      out.printf(
          "%-36s %10d %10d%n",
          LogSafe.escape(level.productId()), level.available(), level.reserved());
    }
    out.flush();
    return 0;
  }

  /** One short transaction on the migrated database: safe while the service runs. */
  @Command(
      name = "set",
      description = {
        "Set a product's available quantity through an adjustment movement of the difference.",
        "Reservations already held are untouched."
      })
  int set(
      @Parameters(index = "0", paramLabel = "PRODUCT") String product,
      @Parameters(index = "1", paramLabel = "QTY", description = "New available quantity (>= 0)")
          int quantity,
      @Option(
              names = "--reason",
              paramLabel = "TEXT",
              defaultValue = "set by operator",
              description = "Why, recorded in the ledger (default: ${DEFAULT-VALUE})")
          String reason,
      @Option(names = "--json", description = "Print one JSON object") boolean json,
      @Option(names = "--verbose", description = "Print stack traces with errors") boolean verbose,
      @Mixin DatabaseOptions database)
      throws SQLException {
    CommandLine self = spec.subcommands().get("set");
    if (quantity < 0) {
      throw new ParameterException(self, "QTY must not be negative");
    }
    try {
      // The rule an order's product obeys: 'stock set' creates no product no order can name.
      EventLimits.requireProductId(product);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(self, "PRODUCT: " + e.getMessage(), e);
    }
    StockLedger.Adjustment adjusted;
    try (Database db = Database.open(database.url(InventoryService.NAME))) {
      db.migrate(InventoryService.NAME);
      try (Connection connection = db.open()) {
        adjusted =
            new StockLedger(connection)
                .adjust(product, quantity, reason, System.currentTimeMillis());
        connection.commit();
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      JsonOutput.print(out, adjusted);
      return 0;
    }
    out.printf(
        "%s: available %d -> %d (adjustment %+d), reserved %d%n",
        LogSafe.escape(product),
        adjusted.previous(),
        adjusted.available(),
        adjusted.delta(),
        adjusted.reserved());
    out.flush();
    return 0;
  }
}
