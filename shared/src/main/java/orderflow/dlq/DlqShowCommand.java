package orderflow.dlq;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code dlq show EVENT_ID}: one dead letter with its headers and body. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = "Show one dead letter, its headers and body, without removing it.")
final class DlqShowCommand extends DlqSubcommand {
  @Parameters(paramLabel = "EVENT_ID", description = "The event id (message_id)")
  String eventId;

  @Override
  int run(DeadLetterQueue queue, PrintWriter out) throws IOException, InterruptedException {
    Optional<DeadLetter> found = queue.show(eventId);
    if (found.isEmpty()) {
      spec.commandLine()
          .getErr()
          .println("no dead letter of event " + eventId + " in " + queue.queueName());
      return 1;
    }
    Map<String, Object> fields = found.get().toMap(true);
    if (json) {
      printJson(out, fields);
      return 0;
    }
    fields.forEach(
        (name, value) -> {
          if (value instanceof Map<?, ?> headers) {
            out.println(name + ":");
            headers.forEach((header, text) -> out.println("  " + header + ": " + text));
          } else {
            out.println(name + ": " + (value == null ? "-" : value));
          }
        });
    return 0;
  }
}
