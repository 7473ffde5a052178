package orderflow.broker;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownListener;
import com.rabbitmq.client.ShutdownSignalException;
import java.time.Duration;
import orderflow.config.BrokerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an operator sees of a lost connection: one WARN when it is lost, with the cause on one line,
 * and one INFO when it is back; the stack trace only at DEBUG, or at WARN with {@code --verbose}.
 * Failed reconnection attempts in between are DEBUG lines ({@link QuietExceptionHandler}).
 *
 * <p>Thread-safe: the client calls it on its connection and recovery threads.
 */
final class RecoveryLog implements ShutdownListener, RecoveryListener {
  private static final Logger log = LoggerFactory.getLogger(RecoveryLog.class);

  private final Connection connection;
  private final BrokerSettings settings;
  private volatile long lostAtNanos;

  private RecoveryLog(Connection connection, BrokerSettings settings) {
    this.connection = connection;
    this.settings = settings;
  }

  /** Logs the losses and recoveries of {@code connection} from now on. */
  static void watch(Connection connection, BrokerSettings settings) {
    RecoveryLog recoveryLog = new RecoveryLog(connection, settings);
    // Kept across recoveries: the client adds its shutdown listeners to every new connection.
    connection.addShutdownListener(recoveryLog);
    if (connection instanceof Recoverable recoverable) {
      recoverable.addRecoveryListener(recoveryLog);
    }
  }

  @Override
  public void shutdownCompleted(ShutdownSignalException cause) {
    if (cause.isInitiatedByApplication()) {
      return;
    }
    lostAtNanos = System.nanoTime();
    String line =
        "connection '"
            + connection.getClientProvidedName()
            + "' to "
            + where()
            + " lost: "
            + FailureLine.describe(cause, settings)
            + "; reconnecting to "
            + settings.nodes();
    FailureLine.warn(log, line, cause, settings);
  }

  @Override
  public void handleRecovery(Recoverable recoverable) {
    Duration down = Duration.ofNanos(System.nanoTime() - lostAtNanos);
    log.info(
        "connection '{}' back, to {}, after {} ms",
        connection.getClientProvidedName(),
        where(),
        down.toMillis());
  }

  @Override
  public void handleRecoveryStarted(Recoverable recoverable) {
    // The loss was logged by shutdownCompleted.
  }

  private String where() {
    return connection.getAddress().getHostAddress() + ":" + connection.getPort();
  }
}
