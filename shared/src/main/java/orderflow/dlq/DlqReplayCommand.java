package orderflow.dlq;

import java.io.IOException;
import java.io.PrintWriter;
import orderflow.cli.JsonOutput;
import orderflow.trace.Tracing;
import orderflow.trace.TracingOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dlq replay}: republish matching dead letters, removing each once confirmed. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Republish matching dead letters to their original exchange and routing key;",
      "each is removed from the DLQ only after the broker confirmed its republish.",
      "With --tracing (or OTEL_TRACES_EXPORTER) each republish is a span in its event's trace."
    })
final class DlqReplayCommand extends FilteredDlqSubcommand {
  @Option(names = "--dry-run", description = "Show what would be replayed; change nothing")
  boolean dryRun;

  @Mixin TracingOption tracing;

  @Override
  Tracing openTracing() {
    return tracing.open(parent.processName());
  }

  @Override
  int run(DeadLetterQueue queue, PrintWriter out) throws IOException, InterruptedException {
    ReplayResult result = queue.replay(filter(), dryRun);
    if (json) {
      JsonOutput.print(out, result.toMap());
    } else {
      String verb = dryRun ? "would replay " : "replayed ";
      for (DeadLetter letter : result.replayed()) {
        out.println(verb + DlqLines.summary(letter) + "  -> " + DlqLines.destination(letter));
      }
      for (ReplayResult.Failure failure : result.failed()) {
        out.println(
            "NOT replayed ("
                + failure.outcome()
                + ", left in the DLQ) "
                + DlqLines.summary(failure.letter()));
      }
      out.println(
          (dryRun ? "would replay " : "replayed ")
              + result.replayed().size()
              + " of "
              + result.scanned()
              + " dead letters in "
              + queue.queueName()
              + (result.failed().isEmpty() ? "" : ", " + result.failed().size() + " failed"));
    }
    if (!result.failed().isEmpty()) {
      spec.commandLine()
          .getErr()
          .println(
              result.failed().size()
                  + " dead letters were not confirmed by the broker and stay in "
                  + queue.queueName());
      return 1;
    }
    return 0;
  }
}
