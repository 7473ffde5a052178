package orderflow.inventory;

import orderflow.cli.DefaultSubcommand;
import orderflow.cli.OneLineErrors;
import orderflow.dlq.DlqCommand;
import orderflow.topology.Topology;
import picocli.CommandLine;

/** Entry point of {@code consumer-inventory}. */
public final class Main {
  private static final String SIMPLE_LOGGER_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

  private Main() {}

  public static void main(String[] args) {
    String[] arguments = withDefaultSubcommand(args);
    if (!RunCommand.NAME.equals(arguments[0])) {
      // A query's stdout and stderr are its answer: no informational logs (e.g. migrations).
      System.setProperty(SIMPLE_LOGGER_LEVEL, System.getProperty(SIMPLE_LOGGER_LEVEL, "warn"));
    }
    System.exit(commandLine().execute(arguments));
  }

  static CommandLine commandLine() {
    return OneLineErrors.install(
        new CommandLine(new InventoryCommand())
            .addSubcommand("dlq", new DlqCommand(Topology.INVENTORY_QUEUE, "consumer-inventory")),
        "consumer-inventory");
  }

  /** No arguments, or options only, mean {@code run}. */
  static String[] withDefaultSubcommand(String[] args) {
    return DefaultSubcommand.prepend(RunCommand.NAME, args);
  }
}
