package orderflow.producer;

import java.util.concurrent.Callable;
import orderflow.cli.ManifestVersion;
import orderflow.cli.OneLineErrors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Entry point of {@code orderflow-benchmarks.jar}: the load drivers that {@code bin/producer load}
 * and {@code bin/producer saga} run, with the producer's broker session and error lines.
 */
@Command(
    name = Main.PROGRAM,
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    description = "Load drivers of the order flow: publish orders and measure.",
    subcommands = {LoadCommand.class, SagaCommand.class})
public final class Drivers implements Callable<Integer> {
  @Spec CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, also used by tests to run the drivers in-process. */
  public static CommandLine commandLine() {
    return OneLineErrors.install(new CommandLine(new Drivers()), Main.PROGRAM);
  }

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "Missing subcommand: load or saga");
  }
}
