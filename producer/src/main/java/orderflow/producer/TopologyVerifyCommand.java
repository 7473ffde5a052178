package orderflow.producer;

import java.io.PrintWriter;
import java.util.List;
import orderflow.cli.JsonOutput;
import orderflow.cli.ManifestVersion;
import orderflow.topology.Difference;
import orderflow.topology.Topology;
import orderflow.topology.TopologyVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code producer topology verify}: reports each difference; declares nothing. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    description = {
      "Compares the broker's exchanges and queues with the topology the code defines and reports"
          + " each difference (missing, other type, other durability or arguments). Exits 1 if"
          + " any.",
      "Bindings cannot be read over AMQP without the management plugin: they are not verified;"
          + " `producer topology declare` re-asserts them."
    })
final class TopologyVerifyCommand extends BrokerCommand {
  private static final String BINDINGS_NOTE =
      "bindings are not verified (AMQP cannot list them without the management plugin);"
          + " `producer topology declare` re-asserts them";

  @Option(names = "--json", description = "Print the result as one JSON object")
  boolean json;

  record Verified(
      String namespace,
      boolean matches,
      int exchangesChecked,
      int queuesChecked,
      List<Difference> differences,
      String bindings) {}

  @Override
  int execute() throws Exception {
    Topology topology;
    List<Difference> differences;
    // A connection of its own: probing declares must not be recorded by a long-lived connection.
    try (BrokerSession session =
        BrokerSession.open(spec, broker, "topology-verify", BrokerSession.TopologySetup.NONE)) {
      topology = session.topology();
      differences = new TopologyVerifier(session.connection()).verify(topology);
    }
    PrintWriter out = out();
    if (json) {
      JsonOutput.print(
          out,
          new Verified(
              topology.namespace(),
              differences.isEmpty(),
              topology.exchanges().size(),
              topology.queues().size(),
              differences,
              BINDINGS_NOTE));
    } else {
      for (Difference difference : differences) {
        out.println("DIFFERENT " + difference.describe());
      }
      out.println(
          (differences.isEmpty() ? "OK: " : differences.size() + " difference(s); checked ")
              + topology.exchanges().size()
              + " exchanges and "
              + topology.queues().size()
              + " queues"
              + (topology.namespace().isEmpty() ? "" : " in namespace " + topology.namespace()));
      out.println("note: " + BINDINGS_NOTE);
    }
    out.flush();
    if (differences.isEmpty()) {
      return 0;
    }
    return fail(
        "the broker's topology differs from the code's in " + differences.size() + " place(s)",
        null);
  }
}
