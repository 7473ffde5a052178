package orderflow.producer;

import picocli.CommandLine.Option;

/**
 * {@code --no-declare}, shared by every command that publishes or consumes: accounts without
 * configure permission use the topology an administrator declared.
 */
final class TopologyOption {
  @Option(
      names = "--no-declare",
      description =
          "Do not declare the topology (for accounts without configure permission): check that"
              + " the orders exchange exists and stop, naming it, if not")
  boolean noDeclare;

  BrokerSession.TopologySetup setup() {
    return BrokerSession.TopologySetup.declareUnless(noDeclare);
  }
}
