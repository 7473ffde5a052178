package orderflow.producer;

import java.io.PrintWriter;
import java.util.List;
import java.util.TreeMap;
import orderflow.cli.JsonOutput;
import orderflow.cli.ManifestVersion;
import orderflow.topology.BindingSpec;
import orderflow.topology.ExchangeSpec;
import orderflow.topology.QueueSpec;
import orderflow.topology.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code producer topology declare}: declares everything, idempotently, and lists it. */
@Command(
    name = "declare",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    description = {
      "Declares every exchange, queue and binding of the topology (idempotent) and lists them.",
      "Fails if a resource exists with other arguments: `producer topology verify` lists those."
    })
final class TopologyDeclareCommand extends BrokerCommand {

  @Option(names = "--json", description = "Print what was declared as one JSON object")
  boolean json;

  record Declared(
      String namespace,
      List<ExchangeSpec> exchanges,
      List<QueueSpec> queues,
      List<BindingSpec> bindings) {}

  @Override
  int execute() throws Exception {
    Topology topology;
    try (BrokerSession session =
        BrokerSession.open(spec, broker, "topology-declare", BrokerSession.TopologySetup.DECLARE)) {
      topology = session.topology();
    }
    if (json) {
      JsonOutput.print(
          out(),
          new Declared(
              topology.namespace(), topology.exchanges(), topology.queues(), topology.bindings()));
      return 0;
    }
    PrintWriter out = out();
    topology
        .exchanges()
        .forEach(e -> out.printf("exchange %s (%s, durable)%n", e.name(), e.type()));
    for (QueueSpec queue : topology.queues()) {
      out.printf(
          "queue    %s (%s%s)%n",
          queue.name(),
          queue.durable() ? "durable" : "transient",
          queue.arguments().isEmpty() ? "" : ", " + new TreeMap<>(queue.arguments()));
    }
    topology
        .bindings()
        .forEach(
            b -> out.printf("binding  %s -> %s (%s)%n", b.exchange(), b.queue(), b.routingKey()));
    out.flush();
    return 0;
  }
}
