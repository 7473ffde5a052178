package orderflow.producer;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import orderflow.cli.ManifestVersion;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.InvalidEventException;
import orderflow.producer.WatchCommand.EventFilter;
import orderflow.stream.StreamRecord;
import orderflow.stream.StreamStart;
import orderflow.stream.StreamWalk;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code producer events}: prints the events stream from any point, each event with its offset, up
 * to the end the stream had when the command started, or live with {@code --follow}
 * (docs/architecture.md section 4.1).
 */
@Command(
    name = "events",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    description = {
      "Prints the history of every event from the events stream, each with its offset, from"
          + " --from up to where the stream ended when the command started; with --follow, then"
          + " every new event until Ctrl-C / SIGTERM.",
      "Reading takes nothing away: the stream keeps its events for its retention whoever reads."
    })
final class EventsCommand extends BrokerCommand {
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

  @Option(names = "--order", paramLabel = "ID", description = "Only events of this order")
  String orderId;

  @Option(
      names = "--type",
      paramLabel = "T",
      description = "Only events of this type (OrderCreated, InventoryReserved, ...)")
  String type;

  @Option(names = "--json", description = "Print one JSON object per line")
  boolean json;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "Stop after printing N events (default: no limit)")
  long limit;

  @Mixin TopologyOption topology;

  /** Records taken (and acked) at a time: one ack per batch, not per event. */
  private static final int BATCH = 200;

  private final AtomicBoolean stopped = new AtomicBoolean();
  private long printed;

  @Override
  int execute() throws Exception {
    StreamStart start = parseStart();
    EventFilter filter = EventFilter.of(spec, orderId, type);
    EventCodec codec = new EventCodec();
    PrintWriter out = out();
    try (SignalStop signal =
            new SignalStop("producer-events-stop", () -> stopped.set(true), Duration.ofSeconds(3));
        BrokerSession session = BrokerSession.open(spec, broker, "events", topology.setup())) {
      signal.arm();
      new StreamWalk(
              session.connection(),
              session.topology().eventsStream(),
              follow,
              StreamWalk.DEFAULT_QUIET,
              BATCH)
          .walk(
              start,
              stopped::get,
              batch -> {
                for (StreamRecord record : batch) {
                  if (!stopped.get()) {
                    print(codec, record, filter, out);
                  }
                }
              });
    }
    out.flush();
    return 0;
  }

  private void print(EventCodec codec, StreamRecord record, EventFilter filter, PrintWriter out) {
    EventEnvelope event;
    try {
      event = codec.decode(record.delivery().getBody());
    } catch (InvalidEventException e) {
      if (filter.showsInvalid()) {
        out.println(EventLines.invalidInStream(record.offset(), record.delivery(), e, json));
        out.flush();
      }
      return;
    }
    if (filter.accepts(event)) {
      out.println(EventLines.stream(record.offset(), event, json));
      if (follow) {
        out.flush();
      }
      if (limit > 0 && ++printed >= limit) {
        stopped.set(true);
      }
    }
  }

  private StreamStart parseStart() {
    try {
      return StreamStart.parse(from);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
