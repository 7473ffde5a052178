package orderflow.dlq;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import orderflow.cli.JsonOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code dlq show EVENT_ID}: one dead letter with its headers and body. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = "Show one dead letter, its headers and body, without removing it.")
final class DlqShowCommand extends DlqSubcommand {
  @Parameters(
      paramLabel = "EVENT_ID",
      description =
          "The eventId in the body, as dlq list shows it (sha256-... for a body without one)")
  String eventId;

  @Override
  int run(DeadLetterQueue queue, PrintWriter out) throws IOException, InterruptedException {
    Optional<DeadLetter> found = queue.show(eventId);
    if (found.isEmpty()) {
      spec.commandLine()
          .getErr()
          .println(
              "no dead letter of event "
                  + TerminalText.escape(eventId)
                  + " in "
                  + queue.queueName());
      return 1;
    }
    Map<String, Object> fields = found.get().toMap(true);
    if (json) {
      JsonOutput.print(out, fields);
      return 0;
    }
    // Every value may come from the message: escaped, so it cannot drive the terminal.
    fields.forEach(
        (name, value) -> {
          if (value instanceof Map<?, ?> headers) {
            out.println(name + ":");
            headers.forEach(
                (header, text) -> out.println("  " + printable(header) + ": " + printable(text)));
          } else {
            out.println(name + ": " + (value == null ? "-" : printable(value)));
          }
        });
    return 0;
  }

  private static String printable(Object value) {
    return TerminalText.escape(String.valueOf(value));
  }
}
