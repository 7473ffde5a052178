package orderflow.shipping;

import orderflow.cli.DefaultSubcommand;
import orderflow.cli.ManifestVersion;
import orderflow.cli.OneLineErrors;
import orderflow.dlq.DlqCommand;
import orderflow.topology.Topology;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code consumer-shipping}: the shipping service ({@code run}, also the default) and its query
 * commands. Exit codes: 0 ok, 2 usage error, 1 any other failure with one line on stderr.
 */
@Command(
    name = "consumer-shipping",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    description = "Creates a shipment for every reserved order and announces it (OrderShipped).",
    subcommands = {RunCommand.class, ShipmentsCommand.class, CommandLine.HelpCommand.class})
public final class ShippingCommand {
  static final String NAME = "consumer-shipping";

  public static CommandLine commandLine() {
    return OneLineErrors.install(
        new CommandLine(new ShippingCommand())
            .addSubcommand("dlq", new DlqCommand(Topology.SHIPPING_QUEUE, NAME)),
        NAME);
  }

  /** No arguments, or options only, mean {@code run}. */
  public static String[] withDefaultSubcommand(String[] args) {
    return DefaultSubcommand.prepend(RunCommand.NAME, args);
  }
}
