package orderflow.producer;

import java.time.Clock;
import java.util.concurrent.Callable;
import orderflow.cli.ManifestVersion;
import orderflow.config.BrokerOptions;
import orderflow.config.BrokerSettings;
import orderflow.consume.engine.ConsumerSettings;
import orderflow.consume.options.DatabaseOptions;
import orderflow.consume.options.RunOptions;
import orderflow.consume.process.ServiceMain;
import orderflow.orderservice.OrderService;
import orderflow.orderservice.OwnEvents;
import orderflow.store.Dialect;
import orderflow.topology.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code producer serve}: the order service. Consumes every order event into the order event store
 * and read model through the shared consumer runtime, and with {@code --http-port} also answers the
 * order API beside the health and metrics endpoints.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    description = {
      "Run the order service until SIGTERM: every order event into the order event store and its",
      "read model; with --http-port also POST /orders, GET /orders/{id} and GET /orders."
    })
final class ServeCommand implements Callable<Integer> {
  @Mixin private BrokerOptions broker;
  @Mixin private RunOptions run;
  @Mixin private DatabaseOptions database;
  @Spec private CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    BrokerSettings brokerSettings;
    ConsumerSettings settings;
    String url = database.url(OrderService.NAME);
    Dialect dialect;
    try {
      brokerSettings = broker.settings();
      settings = run.settings();
      dialect = Dialect.of(url);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    Topology topology = new Topology(brokerSettings.namespace(), settings.tiers());
    Clock clock = Clock.systemUTC();
    OwnEvents ownEvents = new OwnEvents();
    return ServiceMain.run(
        brokerSettings,
        settings,
        url,
        OrderService.definition(dialect, clock, ownEvents),
        (db, publisher) ->
            OrderService.api(db, topology.ordersExchange(), clock, ownEvents, publisher::submit));
  }
}
