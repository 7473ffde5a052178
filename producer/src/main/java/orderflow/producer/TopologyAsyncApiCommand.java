package orderflow.producer;

import java.util.concurrent.Callable;
import orderflow.asyncapi.AsyncApiDocument;
import orderflow.cli.ManifestVersion;
import orderflow.topology.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code producer topology asyncapi}: prints the AsyncAPI 3.0 document of the topology and the
 * event schemas. Needs no broker. {@code docs/asyncapi.yaml} is its output with no options.
 */
@Command(
    name = "asyncapi",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    description = {
      "Prints the AsyncAPI 3.0 document (YAML) of the topology and the event schemas.",
      "Needs no broker; docs/asyncapi.yaml is its output with no options."
    })
final class TopologyAsyncApiCommand implements Callable<Integer> {
  /** The document's own version: the contract's, not the build's, so the file is stable. */
  static final String DOCUMENT_VERSION = "2.0.0";

  @Spec CommandSpec spec;

  @Option(
      names = "--namespace",
      description = "Name prefix of every exchange and queue (default: none, as in the docs)")
  String namespace = "";

  @Override
  public Integer call() {
    spec.commandLine()
        .getOut()
        .print(AsyncApiDocument.of(new Topology(namespace), DOCUMENT_VERSION).toYaml());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
