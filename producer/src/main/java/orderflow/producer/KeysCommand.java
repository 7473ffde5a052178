package orderflow.producer;

import java.sql.Connection;
import java.util.Map;
import orderflow.cli.JsonOutput;
import orderflow.cli.ManifestVersion;
import orderflow.consume.options.DatabaseOptions;
import orderflow.orderservice.OrderService;
import orderflow.privacy.CustomerKeys;
import orderflow.privacy.MasterKeys;
import orderflow.store.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code producer keys rotate}: the master-key step of a rotation ({@link MasterKeys}). */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    description = "The master key that wraps the customers' data keys.")
final class KeysCommand {
  @Spec CommandSpec spec;

  @Command(
      name = "rotate",
      mixinStandardHelpOptions = true,
      description = {
        "Wrap every customer's data key again with the current master key (the last entry of"
            + " ORDERS_MASTER_KEY or ORDERS_MASTER_KEY_FILE);",
        "then the older entries can be removed."
      })
  int rotate(
      @Mixin DatabaseOptions database,
      @Option(names = "--json", description = "Print one JSON object") boolean json)
      throws Exception {
    MasterKeys master = MasterKeys.load(System::getenv);
    int rewrapped;
    String url = database.url(OrderService.NAME);
    Database.requireExisting(url);
    try (Database db = Database.open(url)) {
      db.migrate(OrderService.NAME);
      try (Connection connection = db.open()) {
        rewrapped = new CustomerKeys(master).rewrap(connection);
        connection.commit();
      }
    }
    if (json) {
      JsonOutput.print(
          spec.commandLine().getOut(),
          Map.of("rewrapped", rewrapped, "masterKeyId", master.currentId()));
    } else {
      spec.commandLine()
          .getOut()
          .printf("wrapped %d data keys with master key %s%n", rewrapped, master.currentId())
          .flush();
    }
    return 0;
  }
}
