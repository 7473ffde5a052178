package orderflow.dlq;

import picocli.CommandLine;

/** The inventory service's {@code dlq} command as a process of its own, for memory tests. */
public final class DlqMain {
  private DlqMain() {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new DlqCommand("inventory", "consumer-inventory")).execute(args));
  }
}
