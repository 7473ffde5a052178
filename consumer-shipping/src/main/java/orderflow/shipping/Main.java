package orderflow.shipping;

/** Entry point of {@code consumer-shipping}; see {@link ShippingCommand}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(ShippingCommand.commandLine().execute(ShippingCommand.withDefaultSubcommand(args)));
  }
}
