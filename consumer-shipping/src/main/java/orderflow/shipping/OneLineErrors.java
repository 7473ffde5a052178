package orderflow.shipping;

import orderflow.config.Redaction;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Reports a failed command as one line on stderr (no stack trace unless {@code --verbose}), with
 * any password in it redacted, and exits 1.
 */
final class OneLineErrors implements IExecutionExceptionHandler {
  static final int FAILURE = 1;

  private final String program;

  OneLineErrors(String program) {
    this.program = program;
  }

  @Override
  public int handleExecutionException(
      Exception failure, CommandLine commandLine, ParseResult parseResult) {
    commandLine.getErr().println(program + ": " + describe(failure));
    if (verbose(parseResult)) {
      failure.printStackTrace(commandLine.getErr());
    }
    commandLine.getErr().flush();
    return FAILURE;
  }

  static String describe(Throwable failure) {
    String message = failure.getMessage();
    if (message == null || message.isBlank()) {
      message = failure.getClass().getSimpleName();
    }
    int newline = message.indexOf('\n');
    return Redaction.redactText(newline < 0 ? message : message.substring(0, newline));
  }

  private static boolean verbose(ParseResult result) {
    for (ParseResult level = result; level != null; level = level.subcommand()) {
      if (level.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }
}
