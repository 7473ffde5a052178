package orderflow.producer;

import orderflow.cli.OneLineErrors;
import picocli.CommandLine;

/** Entry point of {@code producer.jar}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, also used by tests to run commands in-process. */
  public static CommandLine commandLine() {
    return new CommandLine(new ProducerCommand())
        .setExecutionExceptionHandler(new OneLineErrors("producer", BrokerErrors::describe))
        .setParameterExceptionHandler(new UsageErrorReporter());
  }
}
