package orderflow.producer;

import orderflow.cli.ManifestVersion;
import picocli.CommandLine.Command;

/** {@code producer orders}: the order service's queries, read from its database. */
@Command(
    name = "orders",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    description = "Query the order read model and event store of the order service ('serve').",
    subcommands = {
      OrdersShowCommand.class,
      OrdersListCommand.class,
      OrdersRebuildCommand.class,
      OrdersProjectCommand.class
    })
final class OrdersCommand {}
