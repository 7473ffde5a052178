package orderflow.producer;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
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

  @Override
  int execute() throws Exception {
    Topology topology;
    try (BrokerSession session =
        BrokerSession.open(spec, broker, "topology-declare", BrokerSession.TopologySetup.DECLARE)) {
      topology = session.topology();
    }
    PrintWriter out = out();
    if (json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("namespace", topology.namespace());
      result.put("exchanges", topology.exchanges());
      result.put("queues", topology.queues());
      result.put("bindings", topology.bindings());
      JsonOutput.print(out, result);
    } else {
      for (ExchangeSpec exchange : topology.exchanges()) {
        out.println("exchange " + exchange.name() + " (" + exchange.type() + ", durable)");
      }
      for (QueueSpec queue : topology.queues()) {
        out.println(
            "queue    "
                + queue.name()
                + " ("
                + (queue.durable() ? "durable" : "transient")
                + (queue.arguments().isEmpty()
                    ? ""
                    : ", " + new java.util.TreeMap<>(queue.arguments()))
                + ")");
      }
      for (BindingSpec binding : topology.bindings()) {
        out.println(
            "binding  "
                + binding.exchange()
                + " -> "
                + binding.queue()
                + " ("
                + binding.routingKey()
                + ")");
      }
    }
    out.flush();
    return 0;
  }
}
