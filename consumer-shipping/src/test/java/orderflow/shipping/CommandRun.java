package orderflow.shipping;

import java.io.PrintWriter;
import java.io.StringWriter;
import orderflow.cli.ConsumerCommand;
import orderflow.cli.DefaultSubcommand;
import picocli.CommandLine;

/** One in-process run of {@code consumer-shipping}, with what it printed. */
record CommandRun(int exitCode, String out, String err) {
  static CommandRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = ShippingCommand.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(DefaultSubcommand.prepend(ConsumerCommand.RUN, args));
    return new CommandRun(exitCode, out.toString(), err.toString());
  }
}
