package orderflow.producer;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Any failure while a command runs: one clear line on stderr (a stack trace only with {@code
 * --verbose}), exit 1.
 */
final class FailureReporter implements IExecutionExceptionHandler {
  static final int FAILURE = 1;

  @Override
  public int handleExecutionException(
      Exception e, CommandLine commandLine, ParseResult parseResult) {
    PrintWriter err = commandLine.getErr();
    err.println("producer: " + BrokerErrors.describe(e));
    if (verbose(parseResult)) {
      e.printStackTrace(err);
    }
    err.flush();
    return FAILURE;
  }

  private static boolean verbose(ParseResult parseResult) {
    for (ParseResult result = parseResult;
        result != null;
        result = result.hasSubcommand() ? result.subcommand() : null) {
      if (result.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }
}
