package orderflow.consume.process;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiFunction;
import orderflow.broker.BrokerConnector;
import orderflow.broker.BrokerRefusal;
import orderflow.broker.WatchedConnection;
import orderflow.config.BrokerSettings;
import orderflow.consume.Ingress;
import orderflow.consume.ServiceDefinition;
import orderflow.consume.engine.ConsumerRuntime;
import orderflow.consume.engine.ConsumerSettings;
import orderflow.observe.ConsumerMetrics;
import orderflow.observe.HealthServer;
import orderflow.observe.HttpRoute;
import orderflow.observe.ReadinessCheck;
import orderflow.observe.ReadinessChecks;
import orderflow.observe.TracedRoute;
import orderflow.outbox.OutboxPublisher;
import orderflow.store.Database;
import orderflow.topology.QueueSpec;
import orderflow.topology.Topology;
import orderflow.topology.TopologyDeclarer;
import orderflow.topology.TopologyVerifier;
import orderflow.trace.Tracing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a consumer service until SIGTERM or SIGINT: opens and migrates the database, connects,
 * declares the topology (or, with {@code --no-declare}, checks that its own part exists), starts
 * the outbox publisher, the work-queue consumer, the ingresses and the HTTP server. On the signal
 * it drains (docs/architecture.md section 5.8) and the process exits 0.
 */
public final class ServiceMain {
  private static final Logger log = LoggerFactory.getLogger(ServiceMain.class);

  private static final BiFunction<Database, OutboxPublisher, List<HttpRoute>> NO_ROUTES =
      (database, publisher) -> List.of();

  private ServiceMain() {}

  /**
   * {@link #run(BrokerSettings, ConsumerSettings, String, String, ServiceDefinition)} on loopback.
   */
  public static int run(
      BrokerSettings broker,
      ConsumerSettings settings,
      String databaseUrl,
      ServiceDefinition service)
      throws Exception {
    return run(broker, settings, HealthServer.DEFAULT_BIND_ADDRESS, databaseUrl, service);
  }

  /**
   * Blocks until the process is asked to stop (SIGTERM/SIGINT) and has drained.
   *
   * @param httpBind the address the HTTP server (if {@code settings.httpPort()} is set) listens on
   * @return the exit code: 1 if the consumer loop ended on its own (it never should)
   * @throws Exception if the service cannot start (broker unreachable, database unusable...)
   */
  public static int run(
      BrokerSettings broker,
      ConsumerSettings settings,
      String httpBind,
      String databaseUrl,
      ServiceDefinition service)
      throws Exception {
    return run(broker, settings, httpBind, databaseUrl, service, NO_ROUTES);
  }

  /**
   * Like {@link #run(BrokerSettings, ConsumerSettings, String, String, ServiceDefinition)}, with
   * the service's own HTTP endpoints beside health and metrics (when {@code settings.httpPort()} is
   * set).
   *
   * @param routes makes the service's routes from its started database
   */
  public static int run(
      BrokerSettings broker,
      ConsumerSettings settings,
      String httpBind,
      String databaseUrl,
      ServiceDefinition service,
      BiFunction<Database, OutboxPublisher, List<HttpRoute>> routes)
      throws Exception {
    RunningService running = start(broker, settings, httpBind, databaseUrl, service, routes);
    CountDownLatch exited = new CountDownLatch(1);
    int[] exitStatus = {0};
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  Thread watchdog =
                      ShutdownWatchdog.arm(
                          service.name(),
                          ShutdownWatchdog.limit(settings.shutdownTimeout()),
                          () -> {
                            System.err.flush();
                            Runtime.getRuntime().halt(ShutdownWatchdog.EXIT_CODE);
                          });
                  running.stop();
                  watchdog.interrupt();
                  exited.countDown();
                  System.out.flush();
                  System.err.flush();
                  // The JVM reports 143 after SIGTERM; a clean drain is a success, so say 0.
                  Runtime.getRuntime().halt(exitStatus[0]);
                },
                service.name() + "-shutdown"));
    running.awaitTermination();
    if (!running.stopping()) {
      log.error("the consumer loop of {} ended unexpectedly", service.name());
      exitStatus[0] = 1;
      running.stop();
      return 1;
    }
    exited.await();
    return 0;
  }

  /** Starts everything, HTTP on loopback; the caller stops it. For in-process tests. */
  public static RunningService start(
      BrokerSettings broker,
      ConsumerSettings settings,
      String databaseUrl,
      ServiceDefinition service)
      throws Exception {
    return start(broker, settings, HealthServer.DEFAULT_BIND_ADDRESS, databaseUrl, service);
  }

  /** Starts everything; the caller stops it. Exposed for tests that run a service in-process. */
  public static RunningService start(
      BrokerSettings broker,
      ConsumerSettings settings,
      String httpBind,
      String databaseUrl,
      ServiceDefinition service)
      throws Exception {
    return start(broker, settings, httpBind, databaseUrl, service, NO_ROUTES);
  }

  /**
   * Starts everything, with the service's own HTTP endpoints made by {@code routes} from the
   * service's database; the caller stops it.
   */
  public static RunningService start(
      BrokerSettings broker,
      ConsumerSettings settings,
      String httpBind,
      String databaseUrl,
      ServiceDefinition service,
      BiFunction<Database, OutboxPublisher, List<HttpRoute>> routes)
      throws Exception {
    ShutdownRegistry registry = new ShutdownRegistry();
    try {
      Tracing tracing = settings.tracer();
      if (tracing == null) {
        tracing = Tracing.fromEnv(settings.tracing(), service.name(), System::getenv);
        registry.register("tracing", tracing::close); // closed last: flushes every span
      }
      Database database = Database.open(databaseUrl);
      registry.register("database", database::close);
      database.migrate(service.name(), service.migrations());

      ConsumerMetrics metrics = ConsumerMetrics.create(service.name());
      BrokerConnector connector = new BrokerConnector(broker, service.name(), metrics.registry());
      WatchedConnection watched = connector.connectWatched("consumer");
      Connection connection = watched.connection();
      registry.register("connection", () -> connection.close(5_000));
      Topology topology = new Topology(broker.namespace(), settings.tiers());
      prepareTopology(connection, topology, settings, service);

      // The outbox publishes on a connection of its own: when the broker holds back a publishing
      // connection (flow control), it stops reading that socket, acks included, and a consumer on
      // it would wait for deliveries while its queue has a backlog.
      WatchedConnection publishing = connector.connectWatched("publisher");
      registry.register("publisher connection", () -> publishing.connection().close(5_000));
      OutboxPublisher publisher =
          new OutboxPublisher(database, publishing.connection(), service.name(), tracing);
      publisher.start();
      registry.register(
          "outbox publisher",
          () -> {
            if (!publisher.drainAndClose(settings.shutdownTimeout())) {
              log.warn("outbox not empty at shutdown; it is sent at the next start");
            }
          });
      RetentionTask retention =
          new RetentionTask(
              database,
              new RetentionTask.Settings(
                  settings.dedupWindow(),
                  settings.outboxRetention(),
                  RetentionTask.Settings.DEFAULT_INTERVAL),
              service.name());
      retention.register(metrics.registry());
      retention.start();
      registry.register("retention", retention::close);
      metrics.outboxBacklog(publisher::backlog);
      metrics.outboxMarkFailures(publisher::markFailures);

      ConsumerRuntime runtime =
          new ConsumerRuntime(
              connection, database, topology, settings, service, metrics, publisher, tracing);
      ReadinessChecks readiness =
          new ReadinessChecks(
              runtime,
              () -> Map.of("heartbeat", watched.silence().state()),
              () ->
                  Map.of(
                      "outbox publisher",
                      publisher.running() ? "ok" : "stopped",
                      "publisher connection",
                      publishing.connection().isOpen() ? "ok" : "closed",
                      "publisher heartbeat",
                      publishing.silence().state()));
      Integer httpPort = null;
      if (settings.httpPort() != null) {
        HealthServer server =
            HealthServer.start(
                httpBind,
                settings.httpPort(),
                readiness,
                metrics,
                TracedRoute.all(routes.apply(database, publisher), tracing));
        registry.register("http server", server::close);
        httpPort = server.port();
      }
      runtime.start();
      registry.register("consumer", () -> runtime.stop(settings.shutdownTimeout()));
      for (Ingress ingress : service.ingresses()) {
        AutoCloseable handle = ingress.start(connection, topology, tracing);
        if (handle instanceof ReadinessCheck check) {
          readiness.add(check);
        }
        registry.register("ingress " + ingress.getClass().getSimpleName(), handle::close);
      }
      log.info(
          "{} running on {} namespace '{}', database {}",
          service.name(),
          broker.redactedUri(),
          broker.namespace(),
          database.describe());
      return new RunningService(runtime, registry, httpPort);
    } catch (Exception e) {
      registry.closeAll();
      throw BrokerRefusal.explain(e, "starting " + service.name());
    } catch (Error e) {
      registry.closeAll();
      throw e;
    }
  }

  /**
   * Declares the whole topology, or, under {@code --no-declare}, checks passively that what this
   * service uses exists: its account then needs no configure permission at all.
   */
  private static void prepareTopology(
      Connection connection,
      Topology topology,
      ConsumerSettings settings,
      ServiceDefinition service)
      throws Exception {
    if (settings.declareTopology()) {
      try (Channel channel = connection.createChannel()) {
        TopologyDeclarer.declare(channel, topology);
      }
      return;
    }
    List<QueueSpec> queues = new ArrayList<>(topology.queuesOf(service.workQueue()));
    for (Ingress ingress : service.ingresses()) {
      queues.addAll(ingress.queues(topology));
    }
    new TopologyVerifier(connection)
        .requirePresent(topology.exchangesOf(service.workQueue()), queues);
  }

  /** A started service. */
  public static final class RunningService {
    private final ConsumerRuntime runtime;
    private final ShutdownRegistry registry;
    private final Integer httpPort;

    RunningService(ConsumerRuntime runtime, ShutdownRegistry registry, Integer httpPort) {
      this.runtime = runtime;
      this.registry = registry;
      this.httpPort = httpPort;
    }

    /** The port of the health and metrics server, or null when it was not started. */
    public Integer httpPort() {
      return httpPort;
    }

    public ConsumerRuntime runtime() {
      return runtime;
    }

    /** Drains and closes everything, last started first. Idempotent. */
    public void stop() {
      registry.closeAll();
    }

    boolean stopping() {
      return runtime.stopping();
    }

    void awaitTermination() throws InterruptedException {
      runtime.awaitTermination();
    }
  }
}
