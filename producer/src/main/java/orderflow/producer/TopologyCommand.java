package orderflow.producer;

import orderflow.cli.ManifestVersion;
import picocli.CommandLine.Command;

/** {@code producer topology}: groups {@code declare} and {@code verify}. */
@Command(
    name = "topology",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    description = "Declares the topology, or compares the broker's with the one the code defines.",
    subcommands = {TopologyDeclareCommand.class, TopologyVerifyCommand.class})
final class TopologyCommand {}
