package orderflow.inventory;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import orderflow.cli.JsonOutput;
import orderflow.cli.QueryDatabase;
import orderflow.config.LogSafe;
import orderflow.consume.options.DatabaseOptions;
import orderflow.envelope.EventLimits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code consumer-inventory stock [PRODUCT]}: current stock from the read model. */
@Command(
    name = "stock",
    mixinStandardHelpOptions = true,
    description = "Show available and reserved stock, of one product or of all.",
    subcommands = StockCommand.Set.class)
final class StockCommand implements Callable<Integer> {
  @Parameters(arity = "0..1", paramLabel = "PRODUCT", description = "Only this product")
  private String productId;

  @Option(names = "--json", description = "Print one JSON value instead of a table")
  private boolean json;

  @Option(names = "--verbose", description = "Print stack traces with errors")
  private boolean verbose;

  @Mixin private DatabaseOptions database;
  @Spec private CommandSpec spec;

  @Override
  public Integer call() throws SQLException {
    List<StockQueries.StockLevel> levels =
        QueryDatabase.read(
            database.url(InventoryService.NAME),
            InventoryService.NAME,
            "stock",
            false,
            c ->
                productId == null
                    ? new StockQueries(c).all()
                    : List.of(
                        new StockQueries(c)
                            .of(productId)
                            .orElseThrow(() -> new UnknownProductException(productId))));
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      JsonOutput.print(out, productId == null ? levels : levels.get(0));
      return 0;
    }
    if (levels.isEmpty()) {
      out.println("no products yet (a product appears with its first order or 'stock set')");
      return 0;
    }
    out.printf("%-36s %10s %10s%n", "PRODUCT", "AVAILABLE", "RESERVED");
    for (StockQueries.StockLevel level : levels) {
      // Rows written before the envelope's limits may hold anything: show it escaped.
      out.printf(
          "%-36s %10d %10d%n",
          LogSafe.escape(level.productId()), level.available(), level.reserved());
    }
    out.flush();
    return 0;
  }

  /** {@code stock set PRODUCT QTY}: an adjustment movement, never an overwrite of the ledger. */
  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = {
        "Set a product's available quantity through an adjustment movement of the difference.",
        "Reservations already held are untouched."
      })
  static final class Set implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PRODUCT")
    private String productId;

    @Parameters(index = "1", paramLabel = "QTY", description = "New available quantity (>= 0)")
    private int quantity;

    @Option(
        names = "--reason",
        paramLabel = "TEXT",
        defaultValue = "set by operator",
        description = "Why, recorded in the ledger (default: ${DEFAULT-VALUE})")
    private String reason;

    @Option(names = "--json", description = "Print one JSON object")
    private boolean json;

    @Option(names = "--verbose", description = "Print stack traces with errors")
    private boolean verbose;

    @Mixin private DatabaseOptions database;
    @Spec private CommandSpec spec;

    record Result(
        String productId, int previous, int available, int reserved, int delta, String reason) {}

    @Override
    public Integer call() throws SQLException {
      if (quantity < 0) {
        throw new ParameterException(spec.commandLine(), "QTY must not be negative");
      }
      try {
        // The rule an order's product obeys, so 'stock set' creates no product no order can name.
        EventLimits.requireProductId(productId);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "PRODUCT: " + e.getMessage(), e);
      }
      long now = Clock.systemUTC().millis();
      Result result =
          InventoryDatabase.inTransaction(
              database.url(InventoryService.NAME),
              c -> {
                StockLedger.Adjustment adjusted =
                    new StockLedger(c).adjust(productId, quantity, reason, now);
                int reserved = new StockQueries(c).of(productId).orElseThrow().reserved();
                return new Result(
                    productId,
                    adjusted.previous(),
                    adjusted.available(),
                    reserved,
                    adjusted.delta(),
                    reason);
              });
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        JsonOutput.print(out, result);
        return 0;
      }
      out.printf(
          "%s: available %d -> %d (adjustment %+d), reserved %d%n",
          LogSafe.escape(productId),
          result.previous(),
          result.available(),
          result.delta(),
          result.reserved());
      out.flush();
      return 0;
    }
  }
}
