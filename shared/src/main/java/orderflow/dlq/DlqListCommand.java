package orderflow.dlq;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code dlq list}: one line per dead letter, leaving them all in the queue. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "List dead letters without removing them.")
final class DlqListCommand extends FilteredDlqSubcommand {
  @Override
  int run(DeadLetterQueue queue, PrintWriter out) throws IOException, InterruptedException {
    List<DeadLetter> letters = queue.list(filter());
    if (json) {
      printJson(out, letters.stream().map(letter -> letter.toMap(true)).toList());
      return 0;
    }
    for (DeadLetter letter : letters) {
      out.println(DlqLines.summary(letter));
    }
    if (letters.isEmpty()) {
      out.println("no dead letters in " + queue.queueName() + " match");
    }
    return 0;
  }
}
