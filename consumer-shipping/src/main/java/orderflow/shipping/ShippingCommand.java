package orderflow.shipping;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;
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
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code consumer-shipping}: the shipping service ({@code run}, the default) and its queries. */
@Command(
    name = ShippingCommand.NAME,
    scope = ScopeType.INHERIT, // every subcommand, dlq too, has --help and --version
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    description = "Creates a shipment for every reserved order and announces it (OrderShipped).",
    subcommands = CommandLine.HelpCommand.class)
public final class ShippingCommand {
  static final String NAME = "consumer-shipping";

  /** Room for the items of the largest order the envelope allows. */
  private static final int ITEMS_COLUMN_CHARS = 20_000;

  @Spec private CommandSpec spec;

  public static void main(String[] args) {
    ConsumerCommand.main(args, ShippingCommand::commandLine);
  }

  public static CommandLine commandLine() {
    return ConsumerCommand.commandLine(new ShippingCommand(), NAME, Topology.SHIPPING_QUEUE);
  }

  @Command(
      name = ConsumerCommand.RUN,
      description = "Run the shipping service until SIGTERM (the default command).")
  int run(@Mixin ConsumerCommand service) throws Exception {
    return service.run(ShippingService.NAME, () -> ShippingService.definition(Clock.systemUTC()));
  }

  @Command(
      name = "shipments",
      description = "List shipments, newest first, or the shipment of one order.")
  int shipments(
      @Option(
              names = "--order",
              paramLabel = "ORDER_ID",
              description = "Only this order's shipment")
          String orderId,
      @Option(
              names = "--limit",
              paramLabel = "N",
              defaultValue = "100",
              description = "At most this many shipments (default ${DEFAULT-VALUE})")
          int limit,
      @Mixin QueryDatabase query)
      throws Exception {
    if (limit < 1) {
      throw new ParameterException(
          spec.subcommands().get("shipments"), "--limit must be at least 1");
    }
    List<Shipment> shipments =
        query.read(
            ShippingService.NAME,
            "shipments",
            false,
            connection ->
                orderId == null
                    ? ShipmentStore.newest(connection, limit)
                    : ShipmentStore.findByOrder(connection, orderId).stream().toList());
    PrintWriter out = spec.commandLine().getOut();
    if (query.json) {
      JsonOutput.print(out, shipments);
    } else if (shipments.isEmpty()) {
      out.println(
          orderId == null
              ? "No shipments."
              : "No shipment for order " + LogSafe.escape(orderId) + ".");
    } else {
      String format = "%-36s  %-36s  %-7s  %-18s  %-8s  %-24s  %s%n";
      out.printf(format, "SHIPMENT", "ORDER", "CARRIER", "TRACKING", "STATUS", "CREATED", "ITEMS");
      // Text columns came from messages, maybe older than the envelope's limits: escaped.
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
    out.flush();
    return 0;
  }
}
