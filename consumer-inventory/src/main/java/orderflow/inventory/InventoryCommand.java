package orderflow.inventory;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** {@code consumer-inventory}: the inventory service and its query and admin commands. */
@Command(
    name = "consumer-inventory",
    mixinStandardHelpOptions = true,
    versionProvider = InventoryCommand.Version.class,
    description = {
      "Reserves stock for every OrderCreated, whole orders or nothing, and answers stock queries.",
      "Without a subcommand, runs the service (same as 'run')."
    },
    subcommands = {RunCommand.class, StockCommand.class, HistoryCommand.class})
final class InventoryCommand {

  /** The version written into the jar's manifest by the build. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = InventoryCommand.class.getPackage().getImplementationVersion();
      return new String[] {
        "consumer-inventory " + (version == null ? "(development build)" : version)
      };
    }
  }
}
