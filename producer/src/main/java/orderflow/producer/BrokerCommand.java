package orderflow.producer;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import orderflow.cli.OneLineErrors;
import orderflow.config.BrokerOptions;
import orderflow.config.LogSafe;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A subcommand that talks to the broker; {@link OneLineErrors} reports what it throws. */
abstract class BrokerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin BrokerOptions broker;

  abstract int execute() throws Exception;

  @Override
  public final Integer call() throws Exception {
    return execute();
  }

  /** Reports a failure that is not an exception, or whose line is better than its message. */
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
