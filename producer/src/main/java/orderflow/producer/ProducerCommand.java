package orderflow.producer;

import orderflow.cli.ManifestVersion;
import picocli.CommandLine.Command;

/** The {@code producer} command: publishes orders and operates the topology. */
@Command(
    name = "producer",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    description =
        "Publishes order events to RabbitMQ, operates the order topology, runs the order service.",
    subcommands = {
      OrderCommand.class,
      CancelCommand.class,
      WatchCommand.class,
      EventsCommand.class,
      ProducerCommand.TopologyCommand.class,
      ServeCommand.class,
      OrdersCommand.class,
      CustomersCommand.class,
      KeysCommand.class
    },
    footer = {
      "",
      "The load drivers `load` and `saga` are in benchmarks/driver; bin/producer runs them:"
          + " bin/producer load --help, bin/producer saga --help."
    })
public final class ProducerCommand {
  @Command(
      name = "topology",
      mixinStandardHelpOptions = true,
      versionProvider = ManifestVersion.class,
      description =
          "Declares the topology, or compares the broker's with the one the code defines.",
      subcommands = {TopologyDeclareCommand.class, TopologyVerifyCommand.class})
  static final class TopologyCommand {}
}
