package orderflow.consume.process;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import orderflow.broker.BrokerConnector;
import orderflow.config.BrokerSettings;
import orderflow.consume.ServiceDefinition;
import orderflow.consume.engine.ConsumerRuntime;
import orderflow.consume.engine.ConsumerSettings;
import orderflow.observe.ApiRoutes;
import orderflow.observe.ConsumerMetrics;
import orderflow.observe.HealthServer;
import orderflow.observe.ReadinessChecks;
import orderflow.outbox.OutboxPublisher;
import orderflow.store.Database;
import orderflow.topology.QueueSpec;
import orderflow.topology.Topology;
import orderflow.topology.TopologyVerifier;
import orderflow.trace.Tracing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a consumer service (database, topology, outbox publisher, consumers, HTTP server) until
 * SIGTERM or SIGINT, then drains (docs/architecture.md section 5.8) and exits 0.
 */
public final class ServiceMain {
  private static final Logger log = LoggerFactory.getLogger(ServiceMain.class);

  public static final BiFunction<Database, OutboxPublisher, ApiRoutes> NO_API =
      (database, publisher) -> null;

  private ServiceMain() {}

  /**
   * Starts the service, with the routes {@code routes} makes when it has an HTTP port, and blocks
   * until it is stopped and drained.
   *
   * @return the exit code: 1 if the consumer loop ended on its own
   */
  public static int run(
      BrokerSettings broker,
      ConsumerSettings settings,
      String databaseUrl,
      ServiceDefinition service,
      BiFunction<Database, OutboxPublisher, ApiRoutes> routes)
      throws Exception {
    RunningService running = start(broker, settings, databaseUrl, service, routes);
    CountDownLatch exited = new CountDownLatch(1);
    int[] exitStatus = {0};
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  Thread watchdog =
                      armWatchdog(
                          service.name(),
                          watchdogLimit(settings.shutdownTimeout()),
                          () -> {
                            System.err.flush();
                            Runtime.getRuntime().halt(1);
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

  /**
   * Halts the process after {@code limit} unless interrupted: a silent broker can block a drain
   * step forever, and halting loses nothing (unacked deliveries return, committed outbox rows are
   * sent at the next start, the inbox absorbs duplicates).
   */
  static Thread armWatchdog(String serviceName, Duration limit, Runnable halt) {
    Thread thread =
        new Thread(
            () -> {
              try {
                Thread.sleep(limit.toMillis());
              } catch (InterruptedException e) {
                return;
              }
              log.error("{} did not finish draining within {}; exiting now", serviceName, limit);
              halt.run();
            },
            serviceName + "-shutdown-watchdog");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** The consumer and the outbox flush each get {@code shutdownTimeout}; the rest a margin. */
  static Duration watchdogLimit(Duration shutdownTimeout) {
    return shutdownTimeout.multipliedBy(2).plusSeconds(30);
  }

  /** Starts everything without routes of its own; the caller stops it. */
  public static RunningService start(
      BrokerSettings broker,
      ConsumerSettings settings,
      String databaseUrl,
      ServiceDefinition service)
      throws Exception {
    return start(broker, settings, databaseUrl, service, NO_API);
  }

  /** Starts everything, as {@link #run} does; the caller stops it. */
  public static RunningService start(
      BrokerSettings broker,
      ConsumerSettings settings,
      String databaseUrl,
      ServiceDefinition service,
      BiFunction<Database, OutboxPublisher, ApiRoutes> routes)
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
      database.migrate(service.name());

      ConsumerMetrics metrics = ConsumerMetrics.create(service.name());
      BrokerConnector connector = new BrokerConnector(broker, service.name(), metrics.registry());
      Connection connection = connector.connect("consumer");
      registry.register("connection", () -> connection.close(5_000));
      Topology topology = new Topology(broker.namespace(), settings.tiers());
      prepareTopology(connection, topology, settings, service);

      // A connection of its own: flow control on a publishing connection would stall consumers.
      Connection publishing = connector.connect("publisher");
      registry.register("publisher connection", () -> publishing.close(5_000));
      OutboxPublisher publisher =
          new OutboxPublisher(database, publishing, service.name(), tracing);
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
      metrics.gauge(ConsumerMetrics.OUTBOX_BACKLOG, publisher::backlog);
      metrics.gauge(ConsumerMetrics.OUTBOX_MARK_FAILURES, publisher::markFailures);

      ConsumerRuntime runtime =
          new ConsumerRuntime(
              connection, database, topology, settings, service, metrics, publisher, tracing);
      ReadinessChecks readiness =
          new ReadinessChecks(
              runtime,
              () ->
                  Map.of(
                      "outbox publisher",
                      publisher.running() ? "ok" : "stopped",
                      "publisher connection",
                      publishing.isOpen() ? "ok" : "closed"));
      Integer httpPort = null;
      if (settings.httpPort() != null) {
        ApiRoutes api = routes.apply(database, publisher);
        if (api != null) {
          readiness.add(api::readiness);
        }
        HealthServer server =
            HealthServer.start(
                settings.httpBind(),
                settings.httpPort(),
                readiness,
                metrics,
                api,
                tracing,
                System::getenv);
        registry.register("http server", server::close);
        httpPort = server.port();
      }
      WarmUp.run(database, topology.ordersExchange(), service);
      runtime.start();
      registry.register("consumer", () -> runtime.stop(settings.shutdownTimeout()));
      for (ServiceDefinition ingress : service.ingresses()) {
        ConsumerRuntime beside =
            new ConsumerRuntime(
                connection,
                database,
                topology,
                settings,
                ingress,
                ConsumerMetrics.create(ingress.name()),
                publisher,
                tracing);
        String queue = topology.queue(ingress.workQueue());
        readiness.add(() -> Map.of(ingress.name(), consuming(beside, queue)));
        beside.start();
        registry.register(ingress.name(), () -> beside.stop(settings.shutdownTimeout()));
      }
      log.info(
          "{} running on {} namespace '{}', database {}",
          service.name(),
          broker.redactedUri(),
          broker.namespace(),
          database.describe());
      return new RunningService(runtime, registry, httpPort);
    } catch (Throwable e) {
      registry.closeAll();
      throw e;
    }
  }

  /** "ok", or why {@code runtime} is not consuming {@code queue}. */
  private static String consuming(ConsumerRuntime runtime, String queue) {
    String problems =
        runtime.components().entrySet().stream()
            .filter(component -> !"ok".equals(component.getValue()))
            .map(component -> component.getKey() + " " + component.getValue())
            .collect(Collectors.joining(", "));
    return problems.isEmpty() ? "ok" : "not consuming " + queue + ": " + problems;
  }

  /** Declares the topology, or under {@code --no-declare} checks passively that its part exists. */
  private static void prepareTopology(
      Connection connection,
      Topology topology,
      ConsumerSettings settings,
      ServiceDefinition service)
      throws Exception {
    if (settings.declareTopology()) {
      try (Channel channel = connection.createChannel()) {
        topology.declare(channel);
      }
      return;
    }
    List<QueueSpec> queues = new ArrayList<>(topology.queuesOf(service.workQueue()));
    for (ServiceDefinition ingress : service.ingresses()) {
      String queue = topology.queue(ingress.workQueue());
      topology.queues().stream().filter(q -> q.name().equals(queue)).forEach(queues::add);
    }
    new TopologyVerifier(connection)
        .requirePresent(topology.exchangesOf(service.workQueue()), queues);
  }

  /** A started service; {@code httpPort} is null without an HTTP server. */
  public record RunningService(
      ConsumerRuntime runtime, ShutdownRegistry registry, Integer httpPort) {
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
