package orderflow.producer;

import java.io.IOException;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import orderflow.cli.JsonOutput;
import orderflow.cli.ManifestVersion;
import orderflow.cli.QueryDatabase;
import orderflow.config.BrokerOptions;
import orderflow.config.LogSafe;
import orderflow.consume.options.DatabaseOptions;
import orderflow.orderservice.OrderService;
import orderflow.orderservice.PersonalData;
import orderflow.privacy.CustomerKeys;
import orderflow.privacy.MasterKeys;
import orderflow.producer.BrokerCommand.CommandFailure;
import orderflow.producer.BrokerSession.TopologySetup;
import orderflow.store.Database;
import orderflow.topology.BindingSpec;
import orderflow.topology.Difference;
import orderflow.topology.ExchangeSpec;
import orderflow.topology.QueueSpec;
import orderflow.topology.Topology;
import orderflow.topology.TopologyVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The {@code producer} command, and its operator commands on the topology and personal data. */
@Command(
    name = "producer",
    scope = ScopeType.INHERIT, // every subcommand has --help and --version
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    description = {
      "Publishes order events to RabbitMQ, operates the order topology, runs the order service.",
      "The load drivers `load` and `saga` are in benchmarks/driver; bin/producer runs them:"
          + " bin/producer load --help, bin/producer saga --help."
    },
    subcommands = {
      OrderCommand.class,
      CancelCommand.class,
      WatchCommand.class,
      EventsCommand.class,
      ProducerCommand.TopologyCommand.class,
      ServeCommand.class,
      DevTokenCommand.class,
      OrdersCommand.class,
      ProducerCommand.CustomersCommand.class,
      ProducerCommand.KeysCommand.class
    })
public final class ProducerCommand {
  /** Runs {@code work} in one transaction on the order service's database, migrated first. */
  static <T> T inOrderDatabase(String url, QueryDatabase.Reading<T> work) throws SQLException {
    try (Database db = Database.open(url)) {
      db.migrate(OrderService.NAME);
      try (Connection connection = db.open()) {
        T result = work.apply(connection);
        connection.commit();
        return result;
      }
    }
  }

  /** With --json {@code value} as one JSON value, else the text {@code lines} writes. */
  static void answer(CommandSpec spec, boolean json, Object value, Consumer<PrintWriter> lines) {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      JsonOutput.print(out, value);
    } else {
      lines.accept(out);
      out.flush();
    }
  }

  @Command(
      name = "topology",
      description =
          "Declares the topology, or compares the broker's with the one the code defines.")
  static final class TopologyCommand {
    private static final String BINDINGS_NOTE =
        "bindings are not verified (AMQP cannot list them without the management plugin);"
            + " `producer topology declare` re-asserts them";

    @Spec CommandSpec spec;

    record Declared(
        String namespace,
        List<ExchangeSpec> exchanges,
        List<QueueSpec> queues,
        List<BindingSpec> bindings) {}

    record Verified(
        String namespace,
        boolean matches,
        int exchangesChecked,
        int queuesChecked,
        List<Difference> differences,
        String bindings) {}

    @Command(
        name = "declare",
        description = {
          "Declares every exchange, queue and binding of the topology (idempotent) and lists them.",
          "Fails if a resource exists with other arguments: `producer topology verify` lists those."
        })
    void declare(
        @Mixin BrokerOptions broker,
        @Option(names = "--json", description = "Print what was declared as one JSON object")
            boolean json)
        throws Exception {
      Topology topology;
      try (BrokerSession session =
          BrokerSession.open(spec, broker, "topology-declare", TopologySetup.DECLARE)) {
        topology = session.topology();
      }
      Declared declared =
          new Declared(
              topology.namespace(), topology.exchanges(), topology.queues(), topology.bindings());
      answer(
          spec,
          json,
          declared,
          out -> {
            for (ExchangeSpec e : declared.exchanges()) {
              out.printf("exchange %s (%s, durable)%n", e.name(), e.type());
            }
            for (QueueSpec queue : declared.queues()) {
              out.printf(
                  "queue    %s (%s%s)%n",
                  queue.name(),
                  queue.durable() ? "durable" : "transient",
                  queue.arguments().isEmpty() ? "" : ", " + new TreeMap<>(queue.arguments()));
            }
            for (BindingSpec b : declared.bindings()) {
              out.printf("binding  %s -> %s (%s)%n", b.exchange(), b.queue(), b.routingKey());
            }
          });
    }

    @Command(
        name = "verify",
        description = {
          "Compares the broker's exchanges and queues with the topology the code defines and"
              + " reports each difference (missing, other type, other durability or arguments)."
              + " Exits 1 if any.",
          "Bindings cannot be read over AMQP without the management plugin: they are not verified;"
              + " `producer topology declare` re-asserts them."
        })
    void verify(
        @Mixin BrokerOptions broker,
        @Option(names = "--json", description = "Print the result as one JSON object") boolean json)
        throws Exception {
      Topology topology;
      List<Difference> differences;
      // A connection of its own: probing declares must not be recorded by a long-lived connection.
      try (BrokerSession session =
          BrokerSession.open(spec, broker, "topology-verify", TopologySetup.NONE)) {
        topology = session.topology();
        differences = new TopologyVerifier(session.connection()).verify(topology);
      }
      Verified verified =
          new Verified(
              topology.namespace(),
              differences.isEmpty(),
              topology.exchanges().size(),
              topology.queues().size(),
              differences,
              BINDINGS_NOTE);
      answer(
          spec,
          json,
          verified,
          out -> {
            differences.forEach(difference -> out.println("DIFFERENT " + difference.describe()));
            out.printf(
                "%s%d exchanges and %d queues%s%n",
                differences.isEmpty() ? "OK: " : differences.size() + " difference(s); checked ",
                verified.exchangesChecked(),
                verified.queuesChecked(),
                topology.namespace().isEmpty() ? "" : " in namespace " + topology.namespace());
            out.println("note: " + BINDINGS_NOTE);
          });
      if (!differences.isEmpty()) {
        throw new CommandFailure(
            "the broker's topology differs from the code's in " + differences.size() + " place(s)",
            null);
      }
    }
  }

  /** The CustomerDataErased event waits in the service's outbox: no broker connection. */
  @Command(
      name = "customers",
      description = "A customer's personal data in the order service's database.")
  static final class CustomersCommand {
    @Spec CommandSpec spec;

    @Command(
        name = "erase",
        description = {
          "Destroy the customer's data key, so their addresses read as erased in every copy, and",
          "record CustomerDataErased in the order service's outbox. Erasing again answers the same."
        })
    void erase(
        @Parameters(paramLabel = "CUSTOMER_ID") String customerId,
        @Mixin BrokerOptions broker,
        @Mixin DatabaseOptions database,
        @Option(names = "--json", description = "Print one JSON object") boolean json)
        throws SQLException {
      String exchange = new Topology(broker.settings().namespace()).ordersExchange();
      PersonalData.Erased erased =
          inOrderDatabase(
              database.url(OrderService.NAME),
              c -> PersonalData.erase(c, exchange, customerId, Instant.now(), new ArrayList<>()));
      record Answer(String customerId, boolean erased, String erasedAt) {}
      answer(
          spec,
          json,
          new Answer(erased.customerId(), true, erased.erasedAt().toString()),
          out ->
              out.printf(
                  "erased the personal data of customer %s (%s)%n",
                  LogSafe.escape(customerId), erased.erasedAt()));
    }
  }

  /** The master-key step of a rotation ({@link MasterKeys}). */
  @Command(name = "keys", description = "The master key that wraps the customers' data keys.")
  static final class KeysCommand {
    @Spec CommandSpec spec;

    @Command(
        name = "rotate",
        description = {
          "Wrap every customer's data key again with the current master key (the last entry of"
              + " ORDERS_MASTER_KEY or ORDERS_MASTER_KEY_FILE);",
          "then the older entries can be removed."
        })
    void rotate(
        @Mixin DatabaseOptions database,
        @Option(names = "--json", description = "Print one JSON object") boolean json)
        throws IOException, SQLException {
      MasterKeys master = MasterKeys.load(System::getenv);
      String url = database.url(OrderService.NAME);
      Database.requireExisting(url);
      int rewrapped = inOrderDatabase(url, new CustomerKeys(master)::rewrap);
      answer(
          spec,
          json,
          Map.of("rewrapped", rewrapped, "masterKeyId", master.currentId()),
          out ->
              out.printf(
                  "wrapped %d data keys with master key %s%n", rewrapped, master.currentId()));
    }
  }
}
