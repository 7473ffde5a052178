package orderflow.producer;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import orderflow.broker.FailureLine;
import orderflow.cli.OneLineErrors;
import orderflow.config.BrokerOptions;
import orderflow.config.LogSafe;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A subcommand that talks to the broker and reports its own failures: a usage error goes to picocli
 * (exit 2); any other prints one line on stderr (stack trace with {@code --verbose}), exit 1.
 */
abstract class BrokerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin BrokerOptions broker;

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

  int fail(String line, Exception cause) {
    return OneLineErrors.report(
        spec.commandLine().getErr(), Main.PROGRAM, line, cause, broker.verbose());
  }

  /** Checks are the envelope's own: a value it refuses is a usage error (exit 2). */
  <T> T asUsageError(String what, Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), what + ": " + LogSafe.escape(e.getMessage(), 500), e);
    }
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** A failure whose message is already the one line to show the user. */
  static final class CommandFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CommandFailure(String line, Throwable cause) {
      super(line, cause);
    }
  }
}
