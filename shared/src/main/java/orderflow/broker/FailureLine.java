package orderflow.broker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ShutdownSignalException;
import java.util.Optional;
import orderflow.config.BrokerSettings;
import orderflow.config.LogSafe;
import orderflow.config.Redaction;
import org.slf4j.Logger;

/**
 * Any failure on one line: our own exception's message in the chain, the broker's words when it
 * closed the channel or connection, else the innermost cause. Passwords masked, control characters
 * escaped, at most 300 characters.
 */
public final class FailureLine {
  private FailureLine() {}

  public static String describe(Throwable failure) {
    return LogSafe.escape(Redaction.redactText(text(failure)), 300);
  }

  static String describe(Throwable failure, BrokerSettings settings) {
    return LogSafe.escape(settings.withoutSecrets(text(failure)), 300);
  }

  /** The reply of the first close the broker initiated in the chain. */
  public static Optional<String> brokerReply(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = next(cause)) {
      if (cause instanceof ShutdownSignalException signal && !signal.isInitiatedByApplication()) {
        Object reason = signal.getReason();
        if (reason instanceof AMQP.Channel.Close close) {
          return Optional.of(Redaction.redactText(close.getReplyText()));
        }
        if (reason instanceof AMQP.Connection.Close close) {
          return Optional.of(Redaction.redactText(close.getReplyText()));
        }
      }
    }
    return Optional.empty();
  }

  private static String text(Throwable failure) {
    Optional<String> reply = brokerReply(failure);
    for (Throwable cause = failure; cause != null; cause = next(cause)) {
      String message = cause.getMessage();
      if (cause.getClass().getName().startsWith("orderflow.") && message != null) {
        return reply.filter(r -> !message.contains(r)).map(r -> message + ": " + r).orElse(message);
      }
    }
    if (reply.isPresent()) {
      return reply.get();
    }
    Throwable root = innermost(failure);
    String message = root.getMessage();
    if (root instanceof ShutdownSignalException) {
      return "closed (" + message + ")";
    }
    if ((root instanceof IllegalArgumentException || root instanceof IllegalStateException)
        && message != null) {
      return message;
    }
    return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /** The stack trace at WARN only with {@code --verbose}, else at DEBUG. */
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
    while (next(root) != null) {
      root = root.getCause();
    }
    return root;
  }

  private static Throwable next(Throwable failure) {
    Throwable cause = failure.getCause();
    return cause == failure ? null : cause;
  }
}
