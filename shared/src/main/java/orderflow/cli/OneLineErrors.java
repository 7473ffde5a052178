package orderflow.cli;

import java.io.PrintWriter;
import java.util.Objects;
import orderflow.broker.FailureLine;
import orderflow.config.Redaction;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How every program ends on an error: a failed command is one line on stderr, {@code <program>:
 * <what went wrong>} ({@link FailureLine}; the stack trace only with {@code --verbose}), exit
 * {@link #FAILURE}; a usage error, an unknown command included (even followed by {@code --help}),
 * is what is wrong and where help is, exit 2.
 */
public final class OneLineErrors implements IExecutionExceptionHandler, IParameterExceptionHandler {
  public static final int FAILURE = 1;

  private final String program;

  private OneLineErrors(String program) {
    this.program = Objects.requireNonNull(program, "program");
  }

  /** {@code commandLine} reporting errors this way, and refusing what it did not match. */
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
    boolean unknownCommand =
        e instanceof UnmatchedArgumentException unmatched
            && !commandLine.getSubcommands().isEmpty()
            && !unmatched.getUnmatched().isEmpty()
            && !unmatched.getUnmatched().get(0).startsWith("-");
    err.println(
        commandLine
            .getColorScheme()
            .errorText(
                unknownCommand
                    ? "Unknown command: '"
                        + ((UnmatchedArgumentException) e).getUnmatched().get(0)
                        + "'"
                    : e.getMessage()));
    UnmatchedArgumentException.printSuggestions(e, err);
    err.println(
        "Try '" + commandLine.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return commandLine.getCommandSpec().exitCodeOnInvalidInput();
  }

  /**
   * The one way a command reports a failure: prints {@code <program>: <line>} on {@code err}, its
   * lines joined and any password redacted, then the stack trace of {@code cause} when {@code
   * verbose} (and there is a cause).
   *
   * @return {@link #FAILURE}, the exit code
   */
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
