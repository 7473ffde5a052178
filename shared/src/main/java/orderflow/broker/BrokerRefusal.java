package orderflow.broker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ShutdownSignalException;
import java.util.Optional;
import orderflow.config.Redaction;

/**
 * Finds the broker's own words in a failure. When RabbitMQ refuses an operation it closes the
 * channel (or connection) with a reply such as {@code ACCESS_REFUSED - write access to topic
 * 'inventory.reserved' in exchange 'orders' in vhost '/' refused for user 'producer'}; the Java
 * client surfaces that as an {@code IOException} without a message, the reply buried in its cause.
 *
 * <p>Stateless and thread-safe.
 */
public final class BrokerRefusal {
  private BrokerRefusal() {}

  /**
   * The reply text of the first close the broker initiated among {@code failure} and its causes
   * (e.g. {@code NOT_FOUND - no exchange 'x' in vhost '/'}), or empty when the failure did not come
   * from the broker.
   */
  public static Optional<String> replyText(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof ShutdownSignalException signal && !signal.isInitiatedByApplication()) {
        Object reason = signal.getReason();
        if (reason instanceof AMQP.Channel.Close close) {
          return Optional.of(Redaction.redactText(close.getReplyText()));
        }
        if (reason instanceof AMQP.Connection.Close close) {
          return Optional.of(Redaction.redactText(close.getReplyText()));
        }
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return Optional.empty();
  }

  /**
   * {@code failure} itself, or, when the broker refused something, a {@link BrokerRefusedException}
   * whose message is {@code doing} and the broker's reply, with {@code failure} as its cause.
   */
  public static Exception explain(Exception failure, String doing) {
    return replyText(failure)
        .<Exception>map(reply -> new BrokerRefusedException(doing + ": " + reply, failure))
        .orElse(failure);
  }
}
