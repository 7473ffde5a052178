package orderflow.producer;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.TimeoutException;
import orderflow.broker.BrokerConnector;
import orderflow.broker.FailureLine;
import orderflow.config.BrokerOptions;
import orderflow.config.BrokerSettings;
import orderflow.producer.BrokerCommand.CommandFailure;
import orderflow.topology.ExchangeSpec;
import orderflow.topology.Topology;
import orderflow.topology.TopologyVerifier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** One command's connection to the broker, with the topology declared unless told otherwise. */
record BrokerSession(Connection connection, Topology topology) implements AutoCloseable {
  static final String PROCESS_NAME = "producer";

  // A broker blocking publishers stops reading the connection: closing must not wait for ever.
  private static final int CLOSE_TIMEOUT_MILLIS = 5_000;
  private static final int ABORT_TIMEOUT_MILLIS = 200;

  /** DECLARE all; REQUIRE checks passively that the orders exchange exists; NONE. */
  enum TopologySetup {
    DECLARE,
    REQUIRE,
    NONE
  }

  /** Connects and prepares the topology; a bad --uri or --namespace is a usage error. */
  static BrokerSession open(
      CommandSpec spec, BrokerOptions options, String purpose, TopologySetup setup)
      throws IOException {
    BrokerSettings settings;
    try {
      settings = options.settings();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    Topology topology = new Topology(settings.namespace());
    Connection connection = new BrokerConnector(settings, PROCESS_NAME).connect(purpose);
    try {
      if (setup == TopologySetup.DECLARE) {
        try (Channel channel = connection.createChannel()) {
          topology.declare(channel);
        } catch (IOException e) {
          throw new CommandFailure(
              "declaring the topology failed: "
                  + FailureLine.describe(e)
                  + " (run `producer topology verify` to list the differences)",
              e);
        } catch (TimeoutException e) {
          throw new CommandFailure("timed out closing the declaration channel", e);
        }
      } else if (setup == TopologySetup.REQUIRE) {
        List<ExchangeSpec> orders =
            topology.exchanges().stream()
                .filter(e -> e.name().equals(topology.ordersExchange()))
                .toList();
        new TopologyVerifier(connection).requirePresent(orders, List.of());
      }
      return new BrokerSession(connection, topology);
    } catch (IOException | RuntimeException e) {
      connection.abort(CLOSE_TIMEOUT_MILLIS);
      throw e;
    }
  }

  BlockedNotice reportBlocks(PrintWriter err) {
    BlockedNotice notice = new BlockedNotice(err, System::nanoTime, System.console() != null);
    connection.addBlockedListener(notice);
    return notice;
  }

  /** Aborts a blocked connection (our close-ok would not be read), before channels are closed. */
  void abortIfBlocked(BlockedNotice blocks, Channel channel) throws InterruptedException {
    if (!blocks.blocked()) {
      return;
    }
    connection.abort(ABORT_TIMEOUT_MILLIS);
    long deadline = System.nanoTime() + CLOSE_TIMEOUT_MILLIS * 1_000_000L;
    while (channel.isOpen() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  /** Closes and swallows any failure: the broker cleans up after us. */
  @Override
  public void close() {
    connection.abort(CLOSE_TIMEOUT_MILLIS);
  }
}
