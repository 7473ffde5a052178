package orderflow.broker;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.impl.MicrometerMetricsCollector;
import com.rabbitmq.client.impl.recovery.RecordedBinding;
import com.rabbitmq.client.impl.recovery.RecordedConsumer;
import com.rabbitmq.client.impl.recovery.RecordedEntity;
import com.rabbitmq.client.impl.recovery.RecordedExchange;
import com.rabbitmq.client.impl.recovery.RecordedQueue;
import com.rabbitmq.client.impl.recovery.TopologyRecoveryFilter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import orderflow.config.BrokerSettings;
import orderflow.config.LogSafe;

/**
 * Opens connections with the client's automatic connection and topology recovery, named threads,
 * one-line logging of losses and recoveries ({@link RecoveryLog}), the client's meters tagged with
 * the connection's purpose, and a connection name that says which process owns it (visible in the
 * management UI and {@code rabbitmqctl list_connections}).
 *
 * <p>A broker that goes silent without closing the socket is detected by the client's heartbeat:
 * after two intervals it closes the connection, readiness reports it closed, and recovery starts.
 *
 * <p>This class is thread-safe.
 */
public final class BrokerConnector {
  /** Requested heartbeat, unless the URI says {@code ?heartbeat=N}: silence found in 10 to 20 s. */
  public static final int DEFAULT_HEARTBEAT_SECONDS = 10;

  public static final int DEFAULT_CONNECTION_TIMEOUT_MS = 10_000;
  public static final long DEFAULT_RECOVERY_INTERVAL_MS = 2_000;

  /**
   * Topology recovery of what was declared on channels still open: the topology is declared on a
   * short-lived channel, and the client would fail (an error each) repeating those declarations on
   * the closed channel. They are durable or declared again by their owner; consumers and the
   * producer's temporary queue live on open channels and are recovered.
   */
  private static final TopologyRecoveryFilter OPEN_CHANNELS_ONLY =
      new TopologyRecoveryFilter() {
        @Override
        public boolean filterExchange(RecordedExchange exchange) {
          return onOpenChannel(exchange);
        }

        @Override
        public boolean filterQueue(RecordedQueue queue) {
          return onOpenChannel(queue);
        }

        @Override
        public boolean filterBinding(RecordedBinding binding) {
          return onOpenChannel(binding);
        }

        @Override
        public boolean filterConsumer(RecordedConsumer consumer) {
          return onOpenChannel(consumer);
        }
      };

  private final BrokerSettings settings;
  private final String processName;
  private final MeterRegistry registry;

  public BrokerConnector(BrokerSettings settings, String processName) {
    this(settings, processName, null);
  }

  /**
   * @param registry where the client's own meters go (prefixed {@code rabbitmq}, tagged {@code
   *     connection=<purpose>}); null for none
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
   * Opens one connection to one of the nodes; the client shuffles them before every connect and
   * recovery, so a process whose node died reconnects to another one.
   *
   * @throws BrokerUnavailableException with one clear line (nodes, cause) on any failure
   */
  public Connection connect(String purpose) {
    ConnectionFactory factory = factory(purpose);
    RecoveryLog recoveryLog = new RecoveryLog(settings);
    factory.setExceptionHandler(recoveryLog);
    String where = settings.nodes();
    try {
      Connection connection = factory.newConnection(addresses(), connectionName(purpose));
      ((Recoverable) connection).addRecoveryListener(recoveryLog);
      return connection;
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
    } catch (IOException | TimeoutException | IllegalArgumentException e) {
      // An address the resolver refuses is not chained: its message could quote the URI.
      throw new BrokerUnavailableException(
          "cannot connect to RabbitMQ at " + where + ": " + FailureLine.describe(e, settings),
          e instanceof IllegalArgumentException ? null : e);
    }
  }

  ConnectionFactory factory(String purpose) {
    ConnectionFactory factory = new ConnectionFactory();
    // Before the URI, whose query (?heartbeat=, ?connection_timeout=) overrides these.
    factory.setRequestedHeartbeat(DEFAULT_HEARTBEAT_SECONDS);
    factory.setConnectionTimeout(DEFAULT_CONNECTION_TIMEOUT_MS);
    URI uri = settings.uriWithoutUserInfo();
    try {
      // The credentials are set apart: the client would decode them as US-ASCII, and quote a
      // password with a raw ':' in its error message. For amqps, setUri would install a
      // trust-everything manager (logging a SECURITY ALERT): give it the plain URI, then TLS that
      // verifies chain and host.
      factory.setUri(settings.tls() ? URI.create("amqp" + uri.toString().substring(5)) : uri);
    } catch (GeneralSecurityException | URISyntaxException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid broker URI "
              + settings.redactedUri()
              + ": "
              + settings.withoutSecrets(e.getMessage()));
    }
    if (settings.tls()) {
      factory.setPort(settings.port());
      factory.useSslProtocol(sslContext(settings.tlsCa()));
      factory.enableHostnameVerification();
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
    factory.setAutomaticRecoveryEnabled(true);
    factory.setTopologyRecoveryEnabled(true);
    factory.setTopologyRecoveryFilter(OPEN_CHANNELS_ONLY);
    factory.setNetworkRecoveryInterval(DEFAULT_RECOVERY_INTERVAL_MS);
    AtomicInteger threads = new AtomicInteger();
    factory.setThreadFactory(
        runnable -> {
          Thread thread = new Thread(runnable, processName + "-amqp-" + threads.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    if (registry != null) {
      factory.setMetricsCollector(
          new MicrometerMetricsCollector(registry, "rabbitmq", Tags.of("connection", purpose)));
    }
    return factory;
  }

  /** One address per node of {@code --uri}, in the order given. */
  List<Address> addresses() {
    return settings.uris().stream()
        .map(node -> new Address(node.getHost(), settings.portOf(node)))
        .toList();
  }

  /**
   * The JVM's own context (its trust store, {@code -Djavax.net.ssl.trustStore}, any client key
   * store), or one trusting exactly the CA certificates of a PEM file ({@code --tls-ca}); never a
   * trust-everything manager.
   */
  private static SSLContext sslContext(Path caFile) {
    try {
      if (caFile == null) {
        return SSLContext.getDefault();
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      try (InputStream in = Files.newInputStream(caFile)) {
        for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          store.setCertificateEntry("ca-" + store.size(), ca);
        }
      }
      if (store.size() == 0) {
        throw new IllegalArgumentException("--tls-ca " + caFile + ": no PEM certificate in it");
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(
          "--tls-ca " + caFile + ": not a readable PEM CA certificate (" + e.getMessage() + ")", e);
    }
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

  private static boolean onOpenChannel(RecordedEntity entity) {
    return entity.getChannel() != null && entity.getChannel().isOpen();
  }
}
