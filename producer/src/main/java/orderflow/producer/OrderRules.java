package orderflow.producer;

import java.util.function.Supplier;
import orderflow.config.LogSafe;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The producer's checks of what a person typed are the envelope's own (the limits of {@code
 * EventLimits}, applied by the payload records), so the producer never refuses less than a consumer
 * would. A refusal is a usage error (exit 2).
 */
final class OrderRules {
  private OrderRules() {}

  /** Builds something from the options; a value the envelope refuses becomes a usage error. */
  static <T> T asUsageError(CommandSpec spec, String what, Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), what + ": " + LogSafe.escape(e.getMessage(), 500), e);
    }
  }
}
