package orderflow.inventory;

import java.util.concurrent.Callable;
import orderflow.config.BrokerOptions;
import orderflow.config.BrokerSettings;
import orderflow.consume.engine.ConsumerSettings;
import orderflow.consume.options.DatabaseOptions;
import orderflow.consume.options.RunOptions;
import orderflow.consume.process.ServiceMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code consumer-inventory run}: the long-running service. */
@Command(
    name = RunCommand.NAME,
    mixinStandardHelpOptions = true,
    description = "Run the inventory service until SIGTERM (the default command).")
final class RunCommand implements Callable<Integer> {
  static final String NAME = "run";

  @Mixin private BrokerOptions broker;
  @Mixin private RunOptions run;
  @Mixin private DatabaseOptions database;

  @Option(
      names = "--default-stock",
      paramLabel = "N",
      defaultValue = "" + ReserveInventoryHandler.DEFAULT_STOCK,
      description = "Stock a product never seen before starts with (default ${DEFAULT-VALUE})")
  private int defaultStock;

  @Spec private CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    BrokerSettings brokerSettings;
    ConsumerSettings settings;
    try {
      brokerSettings = broker.settings();
      settings = run.settings();
      if (defaultStock < 0) {
        throw new IllegalArgumentException("--default-stock must not be negative");
      }
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    return ServiceMain.run(
        brokerSettings,
        settings,
        database.url(InventoryService.NAME),
        InventoryService.definition(defaultStock),
        ServiceMain.NO_API);
  }
}
