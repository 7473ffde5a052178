package orderflow.producer;

import orderflow.cli.OneLineErrors;
import picocli.CommandLine;

/** Entry point of {@code producer.jar}. */
public final class Main {
  static final String PROGRAM = "producer";

  private static final String SIMPLE_LOGGER_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

  private Main() {}

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("orders")) {
      // A query's stdout and stderr are its answer: no informational logs (e.g. migrations).
      System.setProperty(SIMPLE_LOGGER_LEVEL, System.getProperty(SIMPLE_LOGGER_LEVEL, "warn"));
    }
    System.exit(commandLine().execute(args));
  }

  public static CommandLine commandLine() {
    return OneLineErrors.install(
        new CommandLine(new ProducerCommand()).setCaseInsensitiveEnumValuesAllowed(true), PROGRAM);
  }
}
