package orderflow.dlq;

import java.io.IOException;
import java.io.PrintWriter;
import orderflow.cli.JsonOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dlq purge}: delete matching dead letters for good. */
@Command(
    name = "purge",
    mixinStandardHelpOptions = true,
    description = "Delete matching dead letters for good (others stay).")
final class DlqPurgeCommand extends FilteredDlqSubcommand {
  @Option(names = "--dry-run", description = "Show what would be deleted; change nothing")
  boolean dryRun;

  @Override
  int run(DeadLetterQueue queue, PrintWriter out) throws IOException, InterruptedException {
    PurgeResult result = queue.purge(filter(), dryRun);
    if (json) {
      JsonOutput.print(out, result.toMap());
      return 0;
    }
    String verb = dryRun ? "would purge " : "purged ";
    for (DeadLetter letter : result.purged()) {
      out.println(verb + DlqLines.summary(letter));
    }
    out.println(
        verb
            + result.purged().size()
            + " of "
            + result.scanned()
            + " dead letters in "
            + queue.queueName());
    return 0;
  }
}
