package orderflow.producer;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import orderflow.broker.BrokerConnector;
import orderflow.config.BrokerOptions;
import orderflow.config.BrokerSettings;
import orderflow.topology.Topology;
import orderflow.topology.TopologyDeclarer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** One command's connection to the broker, with the topology declared unless told otherwise. */
final class BrokerSession implements AutoCloseable {
  static final String PROCESS_NAME = "producer";

  private final Connection connection;
  private final Topology topology;

  private BrokerSession(Connection connection, Topology topology) {
    this.connection = connection;
    this.topology = topology;
  }

  /**
   * Connects; with {@code declare}, declares the whole topology first so that what this process
   * publishes is queued even if no consumer has ever run.
   *
   * @throws ParameterException when --uri or --namespace is invalid (a usage error)
   */
  static BrokerSession open(
      CommandSpec spec, BrokerOptions options, String purpose, boolean declare) throws IOException {
    BrokerSettings settings = settings(spec, options);
    Topology topology = new Topology(settings.namespace());
    Connection connection = new BrokerConnector(settings, PROCESS_NAME).connect(purpose);
    try {
      if (declare) {
        declare(connection, topology);
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
              + BrokerErrors.describe(e)
              + " (run `producer topology verify` to list the differences)",
          e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new CommandFailure("timed out closing the declaration channel", e);
    }
  }

  Connection connection() {
    return connection;
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
        connection.close();
      }
    } catch (IOException | RuntimeException e) {
      // Closing is best effort: the process is ending and the broker cleans up after us.
    }
  }
}
