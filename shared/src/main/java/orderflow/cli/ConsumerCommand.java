package orderflow.cli;

import java.util.function.Supplier;
import orderflow.config.BrokerOptions;
import orderflow.config.BrokerSettings;
import orderflow.consume.ServiceDefinition;
import orderflow.consume.engine.ConsumerSettings;
import orderflow.consume.options.DatabaseOptions;
import orderflow.consume.options.RunOptions;
import orderflow.consume.process.ServiceMain;
import orderflow.dlq.DlqCommand;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What a consumer service's command line shares: {@code run} is the default subcommand, {@code dlq}
 * manages its dead letters, errors are one line. As a mixin, the options of {@code run}.
 */
public final class ConsumerCommand {
  public static final String RUN = "run";
  private static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

  @Mixin private BrokerOptions broker;
  @Mixin private RunOptions run;
  @Mixin private DatabaseOptions database;

  @Spec(Spec.Target.MIXEE)
  private CommandSpec command;

  /** A query's stdout and stderr are its answer: only {@code run} logs below warnings. */
  public static void main(String[] args, Supplier<CommandLine> commandLine) {
    String[] arguments = DefaultSubcommand.prepend(RUN, args);
    if (!RUN.equals(arguments[0])) {
      System.setProperty(LOG_LEVEL, System.getProperty(LOG_LEVEL, "warn"));
    }
    System.exit(commandLine.get().execute(arguments));
  }

  public static CommandLine commandLine(Object command, String program, String queue) {
    return OneLineErrors.install(
        new CommandLine(command).addSubcommand("dlq", new DlqCommand(queue, program)), program);
  }

  /** Runs the service until SIGTERM; a bad option value is a usage error. */
  public int run(String service, Supplier<ServiceDefinition> definition) throws Exception {
    BrokerSettings brokerSettings;
    ConsumerSettings settings;
    ServiceDefinition serviceDefinition;
    try {
      brokerSettings = broker.settings();
      settings = run.settings();
      serviceDefinition = definition.get();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command.commandLine(), e.getMessage(), e);
    }
    return ServiceMain.run(
        brokerSettings, settings, database.url(service), serviceDefinition, ServiceMain.NO_API);
  }
}
