package orderflow.producer;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.util.List;
import orderflow.broker.BrokerConnector;
import orderflow.broker.FailureLine;
import orderflow.config.BrokerOptions;
import orderflow.config.BrokerSettings;
import orderflow.topology.ExchangeSpec;
import orderflow.topology.Topology;
import orderflow.topology.TopologyDeclarer;
import orderflow.topology.TopologyVerifier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** One command's connection to the broker, with the topology declared unless told otherwise. */
final class BrokerSession implements AutoCloseable {
  static final String PROCESS_NAME = "producer";

  /**
   * How long closing waits for the broker's close-ok. A broker that blocks publishers (a memory or
   * disk alarm) stops reading from the connection, so without a bound a command that gave up
   * waiting for a confirm would hang in close; after it, the socket is closed anyway.
   */
  static final int CLOSE_TIMEOUT_MILLIS = 5_000;

  /** How long an abort of a blocked connection waits for a close-ok that cannot come. */
  static final int ABORT_TIMEOUT_MILLIS = 200;

  private final Connection connection;
  private final Topology topology;
  private volatile BlockedNotice blocks;

  private BrokerSession(Connection connection, Topology topology) {
    this.connection = connection;
    this.topology = topology;
  }

  /** What a command does about the topology before its work. */
  enum TopologySetup {
    /** Declares the whole topology, so what it publishes is queued even before any consumer ran. */
    DECLARE,
    /**
     * Declares nothing ({@code --no-declare}, for accounts without configure permission) but checks
     * passively that the orders exchange exists, so a missing one is named at once.
     */
    REQUIRE,
    /** Leaves the topology alone ({@code topology verify} reports on it itself). */
    NONE;

    static TopologySetup declareUnless(boolean noDeclare) {
      return noDeclare ? REQUIRE : DECLARE;
    }
  }

  /**
   * Connects and prepares the topology as {@code setup} says.
   *
   * @throws ParameterException when --uri or --namespace is invalid (a usage error)
   */
  static BrokerSession open(
      CommandSpec spec, BrokerOptions options, String purpose, TopologySetup setup)
      throws IOException {
    BrokerSettings settings = settings(spec, options);
    Topology topology = new Topology(settings.namespace());
    Connection connection = new BrokerConnector(settings, PROCESS_NAME).connect(purpose);
    try {
      if (setup == TopologySetup.DECLARE) {
        declare(connection, topology);
      } else if (setup == TopologySetup.REQUIRE) {
        List<ExchangeSpec> orders =
            topology.exchanges().stream()
                .filter(e -> e.name().equals(topology.ordersExchange()))
                .toList();
        new TopologyVerifier(connection).requirePresent(orders, List.of());
      }
      return new BrokerSession(connection, topology);
    } catch (IOException | RuntimeException e) {
      closeQuietly(connection);
      throw e;
    }
  }

  static BrokerSettings settings(CommandSpec spec, BrokerOptions options) {
    try {
      return options.settings();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  static void declare(Connection connection, Topology topology) throws IOException {
    try (Channel channel = connection.createChannel()) {
      TopologyDeclarer.declare(channel, topology);
    } catch (IOException e) {
      throw new CommandFailure(
          "declaring the topology failed: "
              + FailureLine.describe(e)
              + " (run `producer topology verify` to list the differences)",
          e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new CommandFailure("timed out closing the declaration channel", e);
    }
  }

  Connection connection() {
    return connection;
  }

  /**
   * Reports on {@code err} when the broker blocks and unblocks this connection's publishing (see
   * {@link BlockedNotice}), and returns the notice, which counts the time blocked.
   */
  BlockedNotice reportBlocks(java.io.PrintWriter err) {
    BlockedNotice notice = BlockedNotice.on(err);
    connection.addBlockedListener(notice);
    blocks = notice;
    return notice;
  }

  /**
   * Closes the connection at once, without the close handshake, if the broker is blocking it: a
   * blocked connection is not read by the broker, so a command that gave up waiting would otherwise
   * wait again for each close-ok. Call it before the session's channels are closed; it returns once
   * {@code channel} has seen the connection go (so closing it does nothing).
   */
  void abortIfBlocked(Channel channel) throws InterruptedException {
    if (blocks == null || !blocks.blocked()) {
      return;
    }
    connection.abort(ABORT_TIMEOUT_MILLIS);
    // The client tells the channels on its own thread, a moment after the socket is closed.
    long deadline = System.nanoTime() + CLOSE_TIMEOUT_MILLIS * 1_000_000L;
    while (channel.isOpen() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  Topology topology() {
    return topology;
  }

  @Override
  public void close() {
    closeQuietly(connection);
  }

  private static void closeQuietly(Connection connection) {
    try {
      if (connection.isOpen()) {
        connection.close(CLOSE_TIMEOUT_MILLIS);
      }
    } catch (IOException | RuntimeException e) {
      // Closing is best effort: the process is ending and the broker cleans up after us.
    }
  }
}
