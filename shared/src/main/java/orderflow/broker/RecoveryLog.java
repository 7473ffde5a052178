package orderflow.broker;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.impl.DefaultExceptionHandler;
import orderflow.config.BrokerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's failures for an operator: one WARN when recovery starts, one INFO when back,
 * retries at DEBUG, anything else the client reports one WARN line; stack traces only at DEBUG or
 * with {@code --verbose}. Thread-safe.
 */
final class RecoveryLog extends DefaultExceptionHandler implements RecoveryListener {
  private static final Logger log = LoggerFactory.getLogger(RecoveryLog.class);

  private final BrokerSettings settings;
  private volatile long lostAtNanos;

  RecoveryLog(BrokerSettings settings) {
    this.settings = settings;
  }

  @Override
  public void handleRecoveryStarted(Recoverable recoverable) {
    lostAtNanos = System.nanoTime();
    Connection connection = (Connection) recoverable;
    Throwable cause = connection.getCloseReason();
    String line =
        "connection '"
            + connection.getClientProvidedName()
            + "' to "
            + where(connection)
            + " lost: "
            + (cause == null ? "closed" : FailureLine.describe(cause, settings))
            + "; reconnecting to "
            + settings.nodes();
    FailureLine.warn(log, line, cause, settings);
  }

  @Override
  public void handleRecovery(Recoverable recoverable) {
    Connection connection = (Connection) recoverable;
    log.info(
        "connection '{}' back, to {}, after {} ms",
        connection.getClientProvidedName(),
        where(connection),
        (System.nanoTime() - lostAtNanos) / 1_000_000);
  }

  @Override
  public void handleConnectionRecoveryException(Connection connection, Throwable exception) {
    log.debug(
        "reconnecting '{}' failed, trying again: {}",
        connection.getClientProvidedName(),
        FailureLine.describe(exception, settings),
        exception);
  }

  // Recovery reports the loss in one line.
  @Override
  public void handleUnexpectedConnectionDriverException(Connection connection, Throwable e) {
    log.debug("connection '{}' failed", connection.getClientProvidedName(), e);
  }

  @Override
  protected void log(String message, Throwable exception) {
    String line =
        settings.withoutSecrets(message) + ": " + FailureLine.describe(exception, settings);
    FailureLine.warn(log, line, exception, settings);
  }

  private static String where(Connection connection) {
    return connection.getAddress().getHostAddress() + ":" + connection.getPort();
  }
}
