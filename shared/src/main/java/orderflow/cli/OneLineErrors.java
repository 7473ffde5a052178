package orderflow.cli;

import java.io.PrintWriter;
import orderflow.broker.FailureLine;
import orderflow.config.Redaction;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * A failed command is one line on stderr, {@code <program>: <what went wrong>} (stack trace only
 * with {@code --verbose}), exit 1; a usage error, unknown commands included, exit 2.
 */
public final class OneLineErrors implements IExecutionExceptionHandler, IParameterExceptionHandler {
  public static final int FAILURE = 1;

  private final String program;

  private OneLineErrors(String program) {
    this.program = program;
  }

  public static CommandLine install(CommandLine commandLine, String program) {
    OneLineErrors errors = new OneLineErrors(program);
    return commandLine
        .setExecutionExceptionHandler(errors)
        .setParameterExceptionHandler(errors)
        .setExecutionStrategy(
            parsed -> {
              // picocli prints the help for `prog nosuch --help`, unmatched words and all.
              for (ParseResult result = parsed; result != null; result = result.subcommand()) {
                if (!result.unmatched().isEmpty()) {
                  throw new UnmatchedArgumentException(
                      result.commandSpec().commandLine(), result.unmatched());
                }
              }
              return new CommandLine.RunLast().execute(parsed);
            });
  }

  @Override
  public int handleExecutionException(
      Exception failure, CommandLine commandLine, ParseResult parseResult) {
    boolean verbose = false;
    for (ParseResult result = parseResult; result != null; result = result.subcommand()) {
      verbose |= result.hasMatchedOption("--verbose");
    }
    return report(commandLine.getErr(), program, FailureLine.describe(failure), failure, verbose);
  }

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine commandLine = e.getCommandLine();
    PrintWriter err = commandLine.getErr();
    String message = e.getMessage();
    if (e instanceof UnmatchedArgumentException unmatched
        && !commandLine.getSubcommands().isEmpty()
        && !unmatched.getUnmatched().isEmpty()
        && !unmatched.getUnmatched().get(0).startsWith("-")) {
      message = "Unknown command: '" + unmatched.getUnmatched().get(0) + "'";
    }
    err.println(commandLine.getColorScheme().errorText(message));
    UnmatchedArgumentException.printSuggestions(e, err);
    err.println(
        "Try '" + commandLine.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return commandLine.getCommandSpec().exitCodeOnInvalidInput();
  }

  /** Prints {@code <program>: <line>}, passwords redacted; returns {@link #FAILURE}. */
  public static int report(
      PrintWriter err, String program, String line, Throwable cause, boolean verbose) {
    err.println(
        program
            + ": "
            + Redaction.redactText(String.valueOf(line).replaceAll("\\s*\\R\\s*", " ").strip()));
    if (verbose && cause != null) {
      cause.printStackTrace(err);
    }
    err.flush();
    return FAILURE;
  }
}
