package orderflow.producer;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import orderflow.broker.FailureLine;
import orderflow.cli.OneLineErrors;
import orderflow.config.BrokerOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A subcommand that talks to the broker. It reports its own failures, so it behaves the same
 * however it is launched (from {@link Main} or in-process from a test): a usage error propagates to
 * picocli (exit 2); any other failure prints one clear line on stderr, a stack trace only with
 * {@code --verbose}, and exits 1.
 */
abstract class BrokerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin BrokerOptions broker;

  /** The command's work; returns its exit code. */
  abstract int execute() throws Exception;

  @Override
  public final Integer call() {
    try {
      return execute();
    } catch (ParameterException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted", e);
    } catch (Exception e) {
      return fail(FailureLine.describe(e), e);
    }
  }

  /** Prints {@code producer: <line>} on stderr and returns the failure exit code. */
  int fail(String line, Exception cause) {
    return OneLineErrors.report(
        spec.commandLine().getErr(), Main.PROGRAM, line, cause, broker.verbose());
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }
}
