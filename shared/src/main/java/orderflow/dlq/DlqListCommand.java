package orderflow.dlq;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import orderflow.cli.JsonOutput;
import picocli.CommandLine.Command;

/** {@code dlq list}: one line per dead letter, leaving them all in the queue. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "List dead letters without removing them, one at a time as they are read;",
      "bodies are cut to "
          + DeadLetterQueue.LISTED_BODY_CHARS
          + " characters (dlq show prints one whole)."
    })
final class DlqListCommand extends FilteredDlqSubcommand {
  @Override
  int run(DeadLetterQueue queue, PrintWriter out) throws IOException, InterruptedException {
    if (json) {
      // Written as each letter is read: the array never has to fit in memory.
      try (JsonGenerator array = JsonOutput.generator(out)) {
        array.writeStartArray();
        queue.list(filter(), letter -> JsonOutput.write(array, letter.toMap(true)));
        array.writeEndArray();
      }
      out.println();
      return 0;
    }
    int listed =
        queue.list(
            filter(),
            letter -> {
              out.println(DlqLines.summary(letter));
              out.flush();
            });
    if (listed == 0) {
      out.println("no dead letters in " + queue.queueName() + " match");
    }
    return 0;
  }
}
