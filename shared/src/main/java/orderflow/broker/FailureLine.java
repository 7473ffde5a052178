package orderflow.broker;

import com.rabbitmq.client.ShutdownSignalException;
import orderflow.config.BrokerSettings;
import orderflow.config.LogSafe;
import org.slf4j.Logger;

/**
 * A connection failure on one line, for an operator: the broker's own words when it closed the
 * connection or channel ({@code CONNECTION_FORCED - ...}), otherwise the innermost cause's class
 * and message. Passwords masked, control characters escaped.
 */
final class FailureLine {
  private FailureLine() {}

  static String describe(Throwable failure, BrokerSettings settings) {
    String text =
        BrokerRefusal.replyText(failure)
            .orElseGet(
                () -> {
                  Throwable root = innermost(failure);
                  if (root instanceof ShutdownSignalException && root.getCause() == null) {
                    return "closed (" + root.getMessage() + ")";
                  }
                  String message = root.getMessage();
                  return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
                });
    return LogSafe.escape(settings.withoutSecrets(text), 300);
  }

  /** One WARN line; its stack trace too with {@code --verbose}, else at DEBUG. */
  static void warn(Logger log, String line, Throwable cause, BrokerSettings settings) {
    if (settings.verbose()) {
      log.warn(line, cause);
    } else {
      log.warn(line);
      log.debug(line, cause);
    }
  }

  static Throwable innermost(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }
}
