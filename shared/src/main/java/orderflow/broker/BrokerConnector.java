package orderflow.broker;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.impl.MicrometerMetricsCollector;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import orderflow.config.BrokerSettings;
import orderflow.config.LogSafe;

/**
 * Opens connections with automatic connection and topology recovery, named threads, and a
 * connection name that says which process owns it (visible in the management UI and {@code
 * rabbitmqctl list_connections}).
 *
 * <p>This class is thread-safe.
 */
public final class BrokerConnector {
  /**
   * Requested heartbeat interval, unless the URI says {@code ?heartbeat=N}. A peer that stopped
   * answering is noticed after one interval by readiness ({@link ConnectionSilence}) and after two
   * by the client and the broker, which then close the connection (recovery reconnects, the broker
   * requeues what was unacked). 10 s: a network black hole or a frozen process is noticed in 10 to
   * 20 s instead of 30 to 60 s, for one 8-byte frame every 5 s each way; much shorter risks false
   * alarms on a busy 2-core machine (a GC pause, a starved reader thread).
   */
  public static final int DEFAULT_HEARTBEAT_SECONDS = 10;

  public static final int DEFAULT_CONNECTION_TIMEOUT_MS = 10_000;
  public static final long DEFAULT_RECOVERY_INTERVAL_MS = 2_000;

  private final BrokerSettings settings;
  private final String processName;
  private final MeterRegistry registry;

  public BrokerConnector(BrokerSettings settings, String processName) {
    this(settings, processName, null);
  }

  /**
   * @param registry where the Java client's own meters go (connections, channels, published,
   *     consumed, acknowledged messages, prefixed {@code rabbitmq}); null for none
   */
  public BrokerConnector(BrokerSettings settings, String processName, MeterRegistry registry) {
    this.settings = settings;
    this.processName = processName;
    this.registry = registry;
  }

  public BrokerSettings settings() {
    return settings;
  }

  /**
   * Opens one connection.
   *
   * @throws BrokerUnavailableException with one clear line (host, port, cause) on any failure
   */
  public Connection connect(String purpose) {
    return connectWatched(purpose).connection();
  }

  /**
   * Opens one connection, with what tells whether the broker has gone silent on it (and on every
   * connection its recovery opens).
   *
   * @throws BrokerUnavailableException with one clear line (nodes, cause) on any failure
   */
  public WatchedConnection connectWatched(String purpose) {
    TrafficWatchingConnectionFactory factory = factory();
    String where = settings.nodes();
    try {
      // The client shuffles the list before every connect and every recovery
      // (AddressResolver.maybeShuffle), so instances spread over the nodes and a process whose
      // node died reconnects to another one.
      Connection connection = factory.newConnection(addresses(), connectionName(purpose));
      RecoveryLog.watch(connection, settings);
      return new WatchedConnection(
          connection, new ConnectionSilence(connection, factory.traffic()));
    } catch (PossibleAuthenticationFailureException e) {
      throw new BrokerUnavailableException(
          "RabbitMQ at "
              + where
              + " refused the login of user '"
              + LogSafe.escape(factory.getUsername())
              + "' on vhost '"
              + LogSafe.escape(factory.getVirtualHost())
              + "' (check the credentials in --uri, --uri-file, RABBITMQ_URI or"
              + " RABBITMQ_URI_FILE)",
          e);
    } catch (IOException | TimeoutException e) {
      throw new BrokerUnavailableException(
          "cannot connect to RabbitMQ at " + where + ": " + describe(e), e);
    } catch (IllegalArgumentException e) {
      // E.g. an address the resolver refuses; not chained: its message could quote the URI.
      throw new BrokerUnavailableException(
          "cannot connect to RabbitMQ at " + where + ": " + describe(e), null);
    }
  }

  TrafficWatchingConnectionFactory factory() {
    TrafficWatchingConnectionFactory factory = new TrafficWatchingConnectionFactory();
    // Before the URI, whose query (?heartbeat=, ?connection_timeout=) overrides these.
    factory.setRequestedHeartbeat(DEFAULT_HEARTBEAT_SECONDS);
    factory.setConnectionTimeout(DEFAULT_CONNECTION_TIMEOUT_MS);
    try {
      // The credentials are set apart: the client would decode them as US-ASCII, and quote a
      // password with a raw ':' in its error message.
      URI withoutUserInfo = settings.uriWithoutUserInfo();
      if (settings.tls()) {
        // setUri would install a trust-everything manager for amqps (logging a SECURITY ALERT)
        // before we replaced it: give it the plain URI, then TLS that verifies chain and host.
        factory.setUri(asPlainAmqp(withoutUserInfo));
        factory.setPort(settings.port());
        factory.useSslProtocol(TlsContexts.create(settings.tlsCa()));
        factory.enableHostnameVerification();
      } else {
        factory.setUri(withoutUserInfo);
      }
      settings
          .userInfo()
          .ifPresent(
              userInfo -> {
                factory.setUsername(userInfo.username());
                if (userInfo.password() != null) {
                  factory.setPassword(userInfo.password());
                }
              });
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no TLS support in this JVM", e);
    } catch (GeneralSecurityException | java.net.URISyntaxException | IllegalArgumentException e) {
      // Not chained: a library's message may quote the URI, and --verbose prints causes.
      throw new IllegalArgumentException(
          "invalid broker URI "
              + settings.redactedUri()
              + ": "
              + settings.withoutSecrets(e.getMessage()));
    }
    factory.setAutomaticRecoveryEnabled(true);
    factory.setTopologyRecoveryEnabled(true);
    factory.setTopologyRecoveryFilter(new OpenChannelsOnly());
    factory.setExceptionHandler(new QuietExceptionHandler(settings));
    factory.setNetworkRecoveryInterval(DEFAULT_RECOVERY_INTERVAL_MS);
    factory.setThreadFactory(namedThreads(processName));
    if (registry != null) {
      factory.setMetricsCollector(new MicrometerMetricsCollector(registry, "rabbitmq"));
    }
    return factory;
  }

  /** One address per node of {@code --uri}, in the order given. */
  List<Address> addresses() {
    return settings.uris().stream()
        .map(node -> new Address(node.getHost(), settings.portOf(node)))
        .toList();
  }

  /** The same URI with {@code amqp} for {@code amqps}; the port is set apart. */
  private static URI asPlainAmqp(URI uri) {
    return URI.create("amqp" + uri.toString().substring("amqps".length()));
  }

  private String connectionName(String purpose) {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "unknown-host";
    }
    return processName + "/" + purpose + "@" + host + " pid " + ProcessHandle.current().pid();
  }

  static ThreadFactory namedThreads(String prefix) {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-amqp-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  private String describe(Exception e) {
    Throwable root = FailureLine.innermost(e);
    String message = root.getMessage();
    String text = root.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    return LogSafe.escape(settings.withoutSecrets(text), 500);
  }
}
