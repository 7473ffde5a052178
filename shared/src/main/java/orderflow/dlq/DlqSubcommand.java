package orderflow.dlq;

import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import orderflow.broker.BrokerConnector;
import orderflow.broker.BrokerUnavailableException;
import orderflow.cli.OneLineErrors;
import orderflow.config.BrokerOptions;
import orderflow.config.BrokerSettings;
import orderflow.topology.Topology;
import orderflow.trace.Tracing;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What every {@code dlq} subcommand shares: broker options, {@code --json}, one connection, and the
 * exit codes (0 ok, 2 usage error, 1 any other failure with one line on stderr).
 */
abstract class DlqSubcommand implements Callable<Integer> {
  @ParentCommand DlqCommand parent;

  @Spec CommandSpec spec;

  @Mixin BrokerOptions broker;

  @Option(names = "--json", description = "Print one JSON value on stdout")
  boolean json;

  /** Does the work on an open dead-letter queue and returns the exit code. */
  abstract int run(DeadLetterQueue queue, PrintWriter out) throws IOException, InterruptedException;

  /** Checks the options before connecting; throw IllegalArgumentException for a usage error. */
  void validate() {}

  /** The tracer of a subcommand that publishes; closed after the connection. */
  Tracing openTracing() {
    return Tracing.OFF;
  }

  @Override
  public final Integer call() {
    BrokerSettings settings;
    try {
      settings = broker.settings();
      validate();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    PrintWriter err = spec.commandLine().getErr();
    try (Tracing tracing = openTracing();
        Connection connection =
            new BrokerConnector(settings, parent.processName()).connect("dlq")) {
      DeadLetterQueue queue =
          new DeadLetterQueue(
              connection, new Topology(settings.namespace()), parent.workQueue(), tracing);
      int code = run(queue, spec.commandLine().getOut());
      spec.commandLine().getOut().flush();
      return code;
    } catch (BrokerUnavailableException e) {
      return fail(err, e.getMessage(), e);
    } catch (DeadLetterQueueBusyException e) {
      return fail(err, "dlq " + spec.name() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail(err, "dlq " + spec.name() + " interrupted", e);
    } catch (IOException | RuntimeException e) {
      return fail(err, "dlq " + spec.name() + " failed: " + describe(e), e);
    }
  }

  private int fail(PrintWriter err, String line, Exception e) {
    return OneLineErrors.report(err, parent.processName(), line, e, broker.verbose());
  }

  /** The innermost message: the broker's reply text (e.g. NOT_FOUND - no queue ...) is there. */
  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? e.getMessage() : root.getMessage();
    return message == null ? root.getClass().getSimpleName() : message;
  }
}
