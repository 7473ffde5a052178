package orderflow.shipping;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import orderflow.cli.JsonOutput;
import orderflow.cli.ManifestVersion;
import orderflow.cli.QueryDatabase;
import orderflow.config.LogSafe;
import orderflow.consume.options.DatabaseOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code consumer-shipping shipments}: the shipments, newest first; safe while the service runs.
 */
@Command(
    name = "shipments",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    description = "List shipments, newest first, or the shipment of one order.")
final class ShipmentsCommand implements Callable<Integer> {
  static final int DEFAULT_LIMIT = 100;

  /** Room for the items of the largest order the envelope allows. */
  private static final int ITEMS_COLUMN_CHARS = 20_000;

  @Spec CommandSpec spec;
  @Mixin DatabaseOptions databaseOptions;

  @Option(names = "--order", paramLabel = "ORDER_ID", description = "Only this order's shipment")
  String orderId;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "" + DEFAULT_LIMIT,
      description = "At most this many shipments (default ${DEFAULT-VALUE})")
  int limit;

  @Option(names = "--json", description = "Print one JSON array of shipments")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (limit < 1) {
      throw new ParameterException(spec.commandLine(), "--limit must be at least 1");
    }
    List<Shipment> shipments =
        QueryDatabase.read(
            databaseOptions.url(ShippingService.NAME),
            ShippingService.NAME,
            "shipments",
            false,
            connection ->
                orderId == null
                    ? ShipmentStore.newest(connection, limit)
                    : ShipmentStore.findByOrder(connection, orderId).stream().toList());
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      JsonOutput.print(out, shipments);
    } else {
      printTable(out, shipments);
    }
    out.flush();
    return 0;
  }

  private void printTable(PrintWriter out, List<Shipment> shipments) {
    if (shipments.isEmpty()) {
      out.println(
          orderId == null
              ? "No shipments."
              : "No shipment for order " + LogSafe.escape(orderId) + ".");
      return;
    }
    String format = "%-36s  %-36s  %-7s  %-18s  %-8s  %-24s  %s%n";
    out.printf(format, "SHIPMENT", "ORDER", "CARRIER", "TRACKING", "STATUS", "CREATED", "ITEMS");
    // Every text column came from a message, maybe before the envelope's limits: escaped.
    for (Shipment shipment : shipments) {
      out.printf(
          format,
          LogSafe.escape(shipment.shipmentId()),
          LogSafe.escape(shipment.orderId()),
          LogSafe.escape(shipment.carrier()),
          LogSafe.escape(shipment.trackingNumber()),
          shipment.status(),
          shipment.createdAt(),
          LogSafe.escape(
              shipment.items().stream()
                  .map(item -> item.productId() + ":" + item.quantity())
                  .collect(Collectors.joining(",")),
              ITEMS_COLUMN_CHARS));
    }
  }
}
