package orderflow.producer;

import picocli.CommandLine.Option;

/** {@code --no-declare}, for accounts without configure permission. */
final class TopologyOption {
  @Option(
      names = "--no-declare",
      description =
          "Do not declare the topology (for accounts without configure permission): check that"
              + " the orders exchange exists and stop, naming it, if not")
  boolean noDeclare;

  BrokerSession.TopologySetup setup() {
    return noDeclare ? BrokerSession.TopologySetup.REQUIRE : BrokerSession.TopologySetup.DECLARE;
  }
}
