package orderflow.inventory;

import orderflow.config.Redaction;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Reports a failed command as one line on stderr (no stack trace unless {@code --verbose}), never
 * with a password in it, and exits 1.
 */
final class OneLineErrorHandler implements IExecutionExceptionHandler {
  static final int FAILURE = 1;

  @Override
  public int handleExecutionException(
      Exception exception, CommandLine commandLine, ParseResult parseResult) {
    commandLine.getErr().println("consumer-inventory: " + oneLine(exception));
    if (verbose(parseResult)) {
      exception.printStackTrace(commandLine.getErr());
    }
    commandLine.getErr().flush();
    return FAILURE;
  }

  static String oneLine(Throwable exception) {
    String message = exception.getMessage();
    if (message == null || message.isBlank()) {
      message = exception.getClass().getSimpleName();
    }
    return Redaction.redactText(message.replaceAll("\\s*\\R\\s*", " ").strip());
  }

  private static boolean verbose(ParseResult parseResult) {
    for (ParseResult result = parseResult; result != null; result = result.subcommand()) {
      if (result.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }
}
