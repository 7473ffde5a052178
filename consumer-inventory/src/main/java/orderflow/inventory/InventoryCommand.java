package orderflow.inventory;

import orderflow.cli.ManifestVersion;
import picocli.CommandLine.Command;

/** {@code consumer-inventory}: the inventory service and its query and admin commands. */
@Command(
    name = "consumer-inventory",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    description = {
      "Reserves stock for every OrderCreated, whole orders or nothing, and answers stock queries.",
      "Without a subcommand, runs the service (same as 'run')."
    },
    subcommands = {RunCommand.class, StockCommand.class, HistoryCommand.class})
final class InventoryCommand {}
