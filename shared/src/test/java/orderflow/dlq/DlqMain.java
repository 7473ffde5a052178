package orderflow.dlq;

import orderflow.cli.OneLineErrors;
import picocli.CommandLine;

/** The inventory service's {@code dlq} command as a process of its own, for memory tests. */
public final class DlqMain {
  private DlqMain() {}

  public static void main(String[] args) {
    System.exit(
        OneLineErrors.install(
                new CommandLine(new DlqCommand("inventory", "consumer-inventory")),
                "consumer-inventory")
            .execute(args));
  }
}
