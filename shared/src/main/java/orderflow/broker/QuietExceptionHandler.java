package orderflow.broker;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.impl.DefaultExceptionHandler;
import orderflow.config.BrokerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's default handling (a consumer that throws closes its channel), logged as one WARN
 * line with the cause instead of an ERROR with a stack trace per failure: during a recovery the
 * client reports every channel, queue, binding and consumer it could not restore, and one lost
 * connection became dozens of ERRORs and hundreds of stack-trace frames. Stack traces go to DEBUG,
 * or stay on the WARN with {@code --verbose}. A failed reconnection attempt, repeated every few
 * seconds while a node is down, is DEBUG only: {@link RecoveryLog} said the connection was lost.
 *
 * <p>Thread-safe: stateless apart from its settings.
 */
final class QuietExceptionHandler extends DefaultExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(QuietExceptionHandler.class);

  private final BrokerSettings settings;

  QuietExceptionHandler(BrokerSettings settings) {
    this.settings = settings;
  }

  @Override
  public void handleConnectionRecoveryException(Connection connection, Throwable exception) {
    if (log.isDebugEnabled()) {
      log.debug(
          "reconnecting '{}' failed, trying again: {}",
          connection.getClientProvidedName(),
          FailureLine.describe(exception, settings),
          exception);
    }
  }

  @Override
  protected void log(String message, Throwable exception) {
    String line =
        settings.withoutSecrets(message) + ": " + FailureLine.describe(exception, settings);
    FailureLine.warn(log, line, exception, settings);
  }
}
