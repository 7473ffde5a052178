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
 * Opens connections with automatic connection and topology recovery, named threads, one-line
 * logging of losses ({@link RecoveryLog}), the client's meters, and a name saying which process
 * owns it. A silent broker is found by the heartbeat, which closes the connection. {@code registry}
 * gets the client's meters (tag {@code connection}), or null. Thread-safe.
 */
public record BrokerConnector(BrokerSettings settings, String processName, MeterRegistry registry) {
  /** Unless the URI says {@code ?heartbeat=N}: silence found in 10 to 20 s. */
  public static final int DEFAULT_HEARTBEAT_SECONDS = 10;

  public static final int DEFAULT_CONNECTION_TIMEOUT_MS = 10_000;
  public static final long DEFAULT_RECOVERY_INTERVAL_MS = 2_000;

  // Recovers only what was declared on channels still open: the topology is declared on a
  // short-lived channel whose declarations are durable or declared again by their owner.
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

  public BrokerConnector(BrokerSettings settings, String processName) {
    this(settings, processName, null);
  }

  /** One connection to one of the nodes; throws BrokerUnavailableException in one line. */
  public Connection connect(String purpose) {
    ConnectionFactory factory = factory(purpose);
    RecoveryLog recoveryLog = new RecoveryLog(settings);
    factory.setExceptionHandler(recoveryLog);
    String where = settings.nodes();
    try {
      String host;
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        host = "unknown-host";
      }
      String name =
          processName + "/" + purpose + "@" + host + " pid " + ProcessHandle.current().pid();
      Connection connection = factory.newConnection(addresses(), name);
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
      // Credentials apart: the client decodes them as US-ASCII and may quote them. For amqps,
      // setUri would trust everything: give it the amqp URI, then TLS verifying chain and host.
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

  List<Address> addresses() {
    return settings.uris().stream()
        .map(node -> new Address(node.getHost(), settings.portOf(node)))
        .toList();
  }

  /** The JVM's own context, or one trusting exactly the CAs of {@code --tls-ca}. */
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

  private static boolean onOpenChannel(RecordedEntity entity) {
    return entity.getChannel() != null && entity.getChannel().isOpen();
  }
}
