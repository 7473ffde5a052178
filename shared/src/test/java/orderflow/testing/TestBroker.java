package orderflow.testing;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import orderflow.config.BrokerSettings;
import orderflow.topology.QueueSpec;
import orderflow.topology.RetryTiers;
import orderflow.topology.Topology;

/**
 * The broker one integration test runs against, with a namespace of its own. Everything declared in
 * that namespace through {@link #topology} or {@link #deleteAfter} is deleted after the test.
 */
public final class TestBroker implements AutoCloseable {
  private final URI uri;
  private final String namespace;
  private final Set<RetryTiers> tiersUsed = new LinkedHashSet<>();
  private final List<String> extraQueues = new ArrayList<>();
  private final List<String> extraExchanges = new ArrayList<>();
  private Connection connection;

  TestBroker(URI uri, String testName) {
    this.uri = uri;
    String slug = testName.replaceAll("[^A-Za-z0-9]", "").toLowerCase();
    this.namespace =
        "it-"
            + slug.substring(0, Math.min(24, slug.length()))
            + "-"
            + UUID.randomUUID().toString().substring(0, 8);
    tiersUsed.add(RetryTiers.DEFAULT);
  }

  public URI uri() {
    return uri;
  }

  public String uriString() {
    return uri.toString();
  }

  public String namespace() {
    return namespace;
  }

  public BrokerSettings settings() {
    return new BrokerSettings(uri, namespace);
  }

  /** The topology in this test's namespace with the default retry tiers. */
  public Topology topology() {
    return topology(RetryTiers.DEFAULT);
  }

  /** The topology in this test's namespace; its queues are deleted after the test. */
  public Topology topology(RetryTiers tiers) {
    tiersUsed.add(tiers);
    return new Topology(namespace, tiers);
  }

  public void deleteAfter(String queue) {
    extraQueues.add(queue);
  }

  public void deleteExchangeAfter(String exchange) {
    extraExchanges.add(exchange);
  }

  /** A connection for the test's own use, closed after the test. */
  public synchronized Connection connection() throws IOException, TimeoutException {
    if (connection == null || !connection.isOpen()) {
      ConnectionFactory factory = new ConnectionFactory();
      try {
        factory.setUri(uri);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      factory.setAutomaticRecoveryEnabled(false);
      connection = factory.newConnection("it/" + namespace);
    }
    return connection;
  }

  /** Exact message count of a queue (a passive declare; list_queues lags for quorum queues). */
  public long messageCount(String queue) throws IOException, TimeoutException {
    try (Channel channel = connection().createChannel()) {
      return channel.queueDeclarePassive(queue).getMessageCount();
    }
  }

  /** Takes one message off a queue (acknowledged), or null if it is empty. */
  public GetResponse get(String queue) throws IOException, TimeoutException {
    try (Channel channel = connection().createChannel()) {
      return channel.basicGet(queue, true);
    }
  }

  /** Waits until a condition holds, checking every 50 ms; fails the test at the deadline. */
  public static void await(String what, Duration deadline, BooleanSupplier condition) {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out after " + deadline + " waiting for: " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for: " + what, e);
      }
    }
  }

  @Override
  public void close() throws Exception {
    Connection cleanup = connection();
    for (RetryTiers tiers : tiersUsed) {
      Topology topology = new Topology(namespace, tiers);
      for (QueueSpec queue : topology.queues()) {
        deleteQueue(cleanup, queue.name());
      }
      for (var exchange : topology.exchanges()) {
        deleteExchange(cleanup, exchange.name());
      }
    }
    for (String queue : extraQueues) {
      deleteQueue(cleanup, queue);
    }
    for (String exchange : extraExchanges) {
      deleteExchange(cleanup, exchange);
    }
    cleanup.close();
  }

  private static void deleteQueue(Connection connection, String name) throws IOException {
    try (Channel channel = connection.createChannel()) {
      channel.queueDelete(name);
    } catch (TimeoutException | RuntimeException e) {
      // Deleting what does not exist closes the channel on some versions; nothing to clean.
    }
  }

  private static void deleteExchange(Connection connection, String name) throws IOException {
    try (Channel channel = connection.createChannel()) {
      channel.exchangeDelete(name);
    } catch (TimeoutException | RuntimeException e) {
      // As above.
    }
  }
}
