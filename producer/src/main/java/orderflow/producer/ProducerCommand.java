package orderflow.producer;

import java.util.concurrent.Callable;
import orderflow.cli.ManifestVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

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
      LoadCommand.class,
      WatchCommand.class,
      EventsCommand.class,
      TopologyCommand.class,
      SagaCommand.class,
      ServeCommand.class,
      OrdersCommand.class
    })
public final class ProducerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(
        spec.commandLine(),
        "Missing subcommand: one of order, load, saga, watch, topology, serve, orders");
  }
}
