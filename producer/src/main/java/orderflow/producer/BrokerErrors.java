package orderflow.producer;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ShutdownSignalException;
import orderflow.broker.BrokerRefusedException;
import orderflow.broker.BrokerUnavailableException;
import orderflow.config.Redaction;
import orderflow.topology.MissingTopologyException;

/** Turns a failure into one line a person can act on, never containing a password. */
final class BrokerErrors {
  private BrokerErrors() {}

  static String describe(Throwable failure) {
    if (failure instanceof BrokerUnavailableException
        || failure instanceof CommandFailure
        || failure instanceof BrokerRefusedException
        || failure instanceof MissingTopologyException) {
      return failure.getMessage();
    }
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof ShutdownSignalException signal) {
        return "the broker closed the "
            + (signal.isHardError() ? "connection" : "channel")
            + ": "
            + replyText(signal);
      }
      if (cause instanceof BrokerUnavailableException) {
        return cause.getMessage();
      }
    }
    String message = failure.getMessage();
    String text =
        message == null || message.isBlank()
            ? failure.getClass().getSimpleName()
            : failure.getClass().getSimpleName() + ": " + message;
    return Redaction.redactText(text);
  }

  private static String replyText(ShutdownSignalException signal) {
    Object reason = signal.getReason();
    if (reason instanceof AMQP.Channel.Close close) {
      return close.getReplyText();
    }
    if (reason instanceof AMQP.Connection.Close close) {
      return close.getReplyText();
    }
    return String.valueOf(signal.getMessage());
  }
}
