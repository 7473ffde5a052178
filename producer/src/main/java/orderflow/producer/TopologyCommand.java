package orderflow.producer;

import java.util.concurrent.Callable;
import orderflow.cli.ManifestVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code producer topology}: groups {@code declare}, {@code verify} and {@code asyncapi}. */
@Command(
    name = "topology",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    description = "Declares the topology, or compares the broker's with the one the code defines.",
    subcommands = {
      TopologyDeclareCommand.class,
      TopologyVerifyCommand.class,
      TopologyAsyncApiCommand.class
    })
final class TopologyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(
        spec.commandLine(), "Missing subcommand: declare, verify or asyncapi");
  }
}
