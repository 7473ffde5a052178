package orderflow.producer;

import java.io.PrintWriter;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import orderflow.cli.JsonOutput;
import orderflow.cli.ManifestVersion;
import orderflow.config.BrokerOptions;
import orderflow.config.LogSafe;
import orderflow.consume.options.DatabaseOptions;
import orderflow.orderservice.OrderService;
import orderflow.orderservice.PersonalData;
import orderflow.store.Database;
import orderflow.topology.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code producer customers erase CUSTOMER_ID} ({@link PersonalData#erase}): no broker connection;
 * the {@code CustomerDataErased} event waits in the service's outbox.
 */
@Command(
    name = "customers",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    description = "A customer's personal data in the order service's database.")
final class CustomersCommand {
  @Spec CommandSpec spec;

  @Command(
      name = "erase",
      mixinStandardHelpOptions = true,
      description = {
        "Destroy the customer's data key, so their addresses read as erased in every copy, and",
        "record CustomerDataErased in the order service's outbox. Erasing again answers the same."
      })
  int erase(
      @Parameters(paramLabel = "CUSTOMER_ID") String customerId,
      @Mixin BrokerOptions broker,
      @Mixin DatabaseOptions database,
      @Option(names = "--json", description = "Print one JSON object") boolean json)
      throws Exception {
    String exchange = new Topology(broker.settings().namespace()).ordersExchange();
    PersonalData.Erased erased;
    try (Database db = Database.open(database.url(OrderService.NAME))) {
      db.migrate(OrderService.NAME);
      try (Connection connection = db.open()) {
        erased =
            PersonalData.erase(connection, exchange, customerId, Instant.now(), new ArrayList<>());
        connection.commit();
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      JsonOutput.print(
          out,
          Map.of(
              "customerId", erased.customerId(),
              "erased", true,
              "erasedAt", erased.erasedAt().toString()));
    } else {
      out.printf(
          "erased the personal data of customer %s (%s)%n",
          LogSafe.escape(customerId), erased.erasedAt());
      out.flush();
    }
    return 0;
  }
}
