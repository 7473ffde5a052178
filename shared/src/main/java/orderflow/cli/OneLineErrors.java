package orderflow.cli;

import java.io.PrintWriter;
import java.util.Objects;
import java.util.function.Function;
import orderflow.config.Redaction;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Reports a failed command as one line on stderr, {@code <program>: <what went wrong>} (the stack
 * trace only with {@code --verbose}), and exits {@link #FAILURE}.
 */
public final class OneLineErrors implements IExecutionExceptionHandler {
  public static final int FAILURE = 1;

  private final String program;
  private final Function<Throwable, String> describe;

  /** Describes a failure by its message, on one line, with any password redacted. */
  public OneLineErrors(String program) {
    this(program, OneLineErrors::oneLine);
  }

  /**
   * @param describe turns a failure into the line to print; it must keep passwords out
   */
  public OneLineErrors(String program, Function<Throwable, String> describe) {
    this.program = Objects.requireNonNull(program, "program");
    this.describe = Objects.requireNonNull(describe, "describe");
  }

  @Override
  public int handleExecutionException(
      Exception failure, CommandLine commandLine, ParseResult parseResult) {
    return report(
        commandLine.getErr(), program, describe.apply(failure), failure, verbose(parseResult));
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
    err.println(program + ": " + oneLine(line));
    if (verbose && cause != null) {
      cause.printStackTrace(err);
    }
    err.flush();
    return FAILURE;
  }

  /**
   * The failure's message (or its class when it has none), its lines joined, passwords redacted.
   */
  public static String oneLine(Throwable failure) {
    String message = failure.getMessage();
    if (message == null || message.isBlank()) {
      message = failure.getClass().getSimpleName();
    }
    return oneLine(message);
  }

  private static String oneLine(String text) {
    return Redaction.redactText(String.valueOf(text).replaceAll("\\s*\\R\\s*", " ").strip());
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
