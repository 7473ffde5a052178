package orderflow.producer;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the producer command line in-process, as {@link Main} does, capturing what it prints. */
final class CommandRun {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  private final CommandLine commandLine;

  CommandRun() {
    commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
  }

  static Result run(String... args) {
    CommandRun run = new CommandRun();
    int exit = run.execute(args);
    return new Result(exit, run.out.toString(), run.err.toString());
  }

  int execute(String... args) {
    return commandLine.execute(args);
  }

  record Result(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }
}
