package orderflow.shipping;

import java.time.Clock;
import java.util.concurrent.Callable;
import orderflow.cli.ManifestVersion;
import orderflow.config.BrokerOptions;
import orderflow.config.BrokerSettings;
import orderflow.consume.engine.ConsumerSettings;
import orderflow.consume.options.DatabaseOptions;
import orderflow.consume.options.RunOptions;
import orderflow.consume.process.ServiceMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code consumer-shipping run}: the long-running service, until SIGTERM. */
@Command(
    name = RunCommand.NAME,
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    description = "Run the shipping service until SIGTERM (the default command).")
final class RunCommand implements Callable<Integer> {
  static final String NAME = "run";

  @Spec CommandSpec spec;
  @Mixin BrokerOptions brokerOptions;
  @Mixin RunOptions runOptions;
  @Mixin DatabaseOptions databaseOptions;

  @Override
  public Integer call() throws Exception {
    BrokerSettings broker;
    ConsumerSettings settings;
    try {
      broker = brokerOptions.settings();
      settings = runOptions.settings();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    return ServiceMain.run(
        broker,
        settings,
        databaseOptions.url(ShippingService.NAME),
        ShippingService.definition(Clock.systemUTC()),
        ServiceMain.NO_API);
  }
}
