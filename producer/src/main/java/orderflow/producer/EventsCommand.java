package orderflow.producer;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import orderflow.stream.StreamRecord;
import orderflow.stream.StreamStart;
import orderflow.stream.StreamWalk;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code producer events}: prints the events stream from any point, to its end or live. */
@Command(
    name = "events",
    description = {
      "Prints the history of every event from the events stream, each with its offset, from"
          + " --from up to where the stream ended when the command started; with --follow, then"
          + " every new event until Ctrl-C / SIGTERM.",
      "Reading takes nothing away: the stream keeps its events for its retention whoever reads."
    })
final class EventsCommand extends BrokerCommand {
  private static final int BATCH = 200; // one ack per batch

  @Option(
      names = "--from",
      paramLabel = "first|last|next|OFFSET|TIMESTAMP",
      defaultValue = "first",
      description =
          "Where to start: first (default), last (the last chunk), next (only new events), an"
              + " offset, or an ISO-8601 instant such as 2026-12-02T10:00:00Z")
  String from;

  @Option(names = "--follow", description = "Keep printing new events until stopped")
  boolean follow;

  @Mixin EventLines lines;
  @Mixin TopologyOption topology;

  private final AtomicBoolean stopped = new AtomicBoolean();

  @Override
  int execute() throws Exception {
    StreamStart start = asUsageError("--from", () -> StreamStart.parse(from));
    PrintWriter out = out();
    try (SignalStop signal =
            new SignalStop("producer-events-stop", () -> stopped.set(true), Duration.ofSeconds(3));
        BrokerSession session = BrokerSession.open(spec, broker, "events", topology.setup())) {
      signal.arm();
      new StreamWalk(session.connection(), session.topology().eventsStream(), follow, BATCH)
          .walk(
              start,
              stopped::get,
              batch -> {
                for (StreamRecord record : batch) {
                  if (!stopped.get() && lines.print(out, record.offset(), record.delivery())) {
                    stopped.set(true);
                  }
                }
                out.flush();
              });
    }
    return 0;
  }
}
