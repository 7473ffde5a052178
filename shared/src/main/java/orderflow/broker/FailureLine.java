package orderflow.broker;

import com.rabbitmq.client.ShutdownSignalException;
import orderflow.config.BrokerSettings;
import orderflow.config.LogSafe;
import orderflow.config.Redaction;
import org.slf4j.Logger;

/**
 * A connection failure on one line, for an operator: the broker's own words when it closed the
 * connection or channel ({@code CONNECTION_FORCED - ...}), otherwise the innermost cause's class
 * and message. Passwords masked, control characters escaped.
 */
public final class FailureLine {
  private FailureLine() {}

  /** The one line for any failure, with every URI's password in the text masked. */
  public static String describe(Throwable failure) {
    return LogSafe.escape(Redaction.redactText(text(failure)), 300);
  }

  static String describe(Throwable failure, BrokerSettings settings) {
    return LogSafe.escape(settings.withoutSecrets(text(failure)), 300);
  }

  private static String text(Throwable failure) {
    return BrokerRefusal.replyText(failure)
        .orElseGet(
            () -> {
              Throwable root = innermost(failure);
              if (root instanceof ShutdownSignalException && root.getCause() == null) {
                return "closed (" + root.getMessage() + ")";
              }
              String message = root.getMessage();
              return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
            });
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

  public static Throwable innermost(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }
}
