package orderflow.producer;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import orderflow.cli.JsonOutput;
import orderflow.consume.options.DatabaseOptions;
import orderflow.orderservice.StreamProjection;
import orderflow.store.Database;
import orderflow.stream.StreamWalk;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code producer orders project}: an order read model of its own, kept from the events stream. */
@Command(
    name = "project",
    mixinStandardHelpOptions = true,
    description = {
      "Keep an order read model (event store and orders) in its own database from the events"
          + " stream: from where it stopped, up to where the stream ended at the start, or live"
          + " with --follow until Ctrl-C / SIGTERM.",
      "The next offset is stored with each batch's changes, so after a crash it resumes exactly"
          + " where it stopped. Query it with `orders show/list --db` on the same database."
    })
final class OrdersProjectCommand extends BrokerCommand {
  @Mixin DatabaseOptions database;
  @Mixin TopologyOption topology;

  @Option(names = "--json", description = "Print one JSON object")
  boolean json;

  @Option(names = "--follow", description = "Keep applying new events until stopped")
  boolean follow;

  @Option(
      names = "--name",
      defaultValue = "orders",
      description = "The projection's name, under which its offset is kept (default: orders)")
  String name;

  private final AtomicBoolean stopped = new AtomicBoolean();

  @Override
  int execute() throws Exception {
    StreamProjection.Result result;
    try (SignalStop signal =
            new SignalStop(
                "producer-project-stop", () -> stopped.set(true), Duration.ofSeconds(5));
        Database db = Database.open(database.url("orders-stream"));
        BrokerSession session = BrokerSession.open(spec, broker, "project", topology.setup())) {
      StreamProjection projection = new StreamProjection(db, name, Clock.systemUTC());
      projection.migrate();
      signal.arm();
      StreamWalk walk =
          new StreamWalk(
              session.connection(),
              session.topology().eventsStream(),
              follow,
              StreamProjection.MAX_BATCH);
      result = projection.run(walk, stopped::get);
    }
    if (json) {
      JsonOutput.print(out(), result);
    } else {
      out()
          .printf(
              "applied %d events (%d invalid skipped); next offset %d%n",
              result.applied(), result.skipped(), result.nextOffset());
      out().flush();
    }
    return 0;
  }
}
