package orderflow.dlq;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import orderflow.broker.BrokerConnector;
import orderflow.cli.JsonOutput;
import orderflow.cli.OneLineErrors;
import orderflow.config.BrokerOptions;
import orderflow.config.BrokerSettings;
import orderflow.config.LogSafe;
import orderflow.envelope.EventCodec;
import orderflow.topology.Topology;
import orderflow.trace.Tracing;
import orderflow.trace.TracingOption;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dlq list | show | replay | purge} for one service's work queue, under {@link
 * OneLineErrors}: exit 0, 2 on a usage error, 1 on any other failure with one line on stderr;
 * everything printed from a message is escaped.
 */
@Command(
    name = "dlq",
    description = "Inspect, replay and purge this service's dead letters (<queue>.dlq).")
public final class DlqCommand {
  private static final String JSON = "Print one JSON value on stdout";

  public record Replay(
      boolean dryRun, int scanned, List<DeadLetter> replayed, List<Failure> failed) {}

  public record Failure(@JsonUnwrapped DeadLetter letter, String outcome) {}

  public record Purge(boolean dryRun, int scanned, List<DeadLetter> purged) {}

  @Spec CommandSpec spec;

  private final String workQueue;
  private final String processName;

  public DlqCommand(String workQueue, String processName) {
    this.workQueue = workQueue;
    this.processName = processName;
  }

  @Command(
      name = "list",
      description = {
        "List dead letters without removing them, one at a time as they are read;",
        "bodies are cut to "
            + DeadLetterQueue.LISTED_BODY_CHARS
            + " characters (dlq show prints one whole)."
      })
  int list(
      @Mixin BrokerOptions broker,
      @Mixin FilterOptions filter,
      @Option(names = "--json", description = JSON) boolean json)
      throws IOException, InterruptedException {
    return run(
        "list",
        broker,
        filter,
        null,
        (queue, out) -> {
          if (json) {
            // Each letter is written (and flushed) as it is read; out stays open.
            try (SequenceWriter array =
                EventCodec.mapper()
                    .writer()
                    .without(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                    .writeValuesAsArray(out)) {
              queue.list(filter, letter -> write(array, letter));
            }
            out.println();
          } else if (queue.list(filter, letter -> out.println(summary(letter))) == 0) {
            out.println("no dead letters in " + queue.queueName() + " match");
          }
          return 0;
        });
  }

  @Command(
      name = "show",
      description = "Show one dead letter, its headers and body, without removing it.")
  int show(
      @Mixin BrokerOptions broker,
      @Option(names = "--json", description = JSON) boolean json,
      @Parameters(
              paramLabel = "EVENT_ID",
              description = "The eventId in the body, as dlq list shows it (sha256-... if none)")
          String eventId)
      throws IOException, InterruptedException {
    return run(
        "show",
        broker,
        FilterOptions.all(),
        null,
        (queue, out) -> {
          DeadLetter letter = queue.show(eventId).orElse(null);
          if (letter == null) {
            err("show")
                .println("no dead letter of event " + safe(eventId) + " in " + queue.queueName());
            return 1;
          }
          if (json) {
            JsonOutput.print(out, letter);
            return 0;
          }
          Map<?, ?> fields = EventCodec.mapper().convertValue(letter, Map.class);
          fields.forEach(
              (name, value) -> {
                if (value instanceof Map<?, ?> headers) {
                  out.println(name + ":");
                  headers.forEach(
                      (header, text) -> out.println("  " + safe(header) + ": " + whole(text)));
                } else {
                  out.println(name + ": " + whole(value));
                }
              });
          return 0;
        });
  }

  @Command(
      name = "replay",
      description = {
        "Republish matching dead letters to their original exchange and routing key;",
        "each is removed from the DLQ only after the broker confirmed its republish.",
        "With --tracing (or OTEL_TRACES_EXPORTER) each republish is a span in its event's trace."
      })
  int replay(
      @Mixin BrokerOptions broker,
      @Mixin FilterOptions filter,
      @Mixin TracingOption tracing,
      @Option(names = "--dry-run", description = "Show what would be replayed; change nothing")
          boolean dryRun,
      @Option(names = "--json", description = JSON) boolean json)
      throws IOException, InterruptedException {
    return run(
        "replay",
        broker,
        filter,
        tracing,
        (queue, out) -> {
          Replay result = queue.replay(filter, dryRun);
          String verb = dryRun ? "would replay " : "replayed ";
          if (json) {
            printSummaries(out, result);
          } else {
            for (DeadLetter l : result.replayed()) {
              out.printf(
                  "%s%s  -> %s / %s%n",
                  verb, summary(l), safe(l.originalExchange()), safe(l.originalRoutingKey()));
            }
            for (Failure f : result.failed()) {
              out.printf(
                  "NOT replayed (%s, left in the DLQ) %s%n", f.outcome(), summary(f.letter()));
            }
            out.printf(
                "%s%d of %d dead letters in %s%s%n",
                verb,
                result.replayed().size(),
                result.scanned(),
                queue.queueName(),
                result.failed().isEmpty() ? "" : ", " + result.failed().size() + " failed");
          }
          if (result.failed().isEmpty()) {
            return 0;
          }
          err("replay")
              .printf(
                  "%d dead letters were not confirmed by the broker and stay in %s%n",
                  result.failed().size(), queue.queueName());
          return 1;
        });
  }

  @Command(name = "purge", description = "Delete matching dead letters for good (others stay).")
  int purge(
      @Mixin BrokerOptions broker,
      @Mixin FilterOptions filter,
      @Option(names = "--dry-run", description = "Show what would be deleted; change nothing")
          boolean dryRun,
      @Option(names = "--json", description = JSON) boolean json)
      throws IOException, InterruptedException {
    return run(
        "purge",
        broker,
        filter,
        null,
        (queue, out) -> {
          Purge result = queue.purge(filter, dryRun);
          String verb = dryRun ? "would purge " : "purged ";
          if (json) {
            printSummaries(out, result);
          } else {
            result.purged().forEach(letter -> out.println(verb + summary(letter)));
            out.printf(
                "%s%d of %d dead letters in %s%n",
                verb, result.purged().size(), result.scanned(), queue.queueName());
          }
          return 0;
        });
  }

  static String summary(DeadLetter letter) {
    String line =
        String.format(
            "%-36s  %-18s  order=%-36s  %-20s  attempts=%-3s  failedAt=%s",
            safe(letter.eventId()),
            safe(letter.eventType()),
            safe(letter.orderId()),
            safe(letter.reason()),
            safe(letter.attempts()),
            safe(letter.lastFailureAt()));
    if (letter.messageId() != null && !letter.messageId().equals(letter.eventId())) {
      line += "  message_id=" + safe(letter.messageId());
    }
    if (letter.typeProperty() != null && !letter.typeProperty().equals(letter.eventType())) {
      line += "  type_property=" + safe(letter.typeProperty());
    }
    return line;
  }

  private interface Operation {
    int run(DeadLetterQueue queue, PrintWriter out) throws IOException, InterruptedException;
  }

  /** Failures are {@link OneLineErrors}' to report; a bad option value is a usage error. */
  private int run(
      String name,
      BrokerOptions broker,
      FilterOptions filter,
      TracingOption tracing,
      Operation operation)
      throws IOException, InterruptedException {
    CommandLine command = spec.subcommands().get(name);
    BrokerSettings settings;
    try {
      settings = broker.settings();
      filter.validate();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command, e.getMessage(), e);
    }
    PrintWriter out = command.getOut();
    try (Tracing traces = tracing == null ? Tracing.OFF : tracing.open(processName);
        Connection connection = new BrokerConnector(settings, processName).connect("dlq")) {
      Topology topology = new Topology(settings.namespace());
      int code = operation.run(new DeadLetterQueue(connection, topology, workQueue, traces), out);
      out.flush();
      return code;
    }
  }

  private PrintWriter err(String name) {
    return spec.subcommands().get(name).getErr();
  }

  private static void printSummaries(PrintWriter out, Object result) throws IOException {
    out.println(
        EventCodec.mapper().writerWithView(DeadLetter.Summary.class).writeValueAsString(result));
  }

  private static void write(SequenceWriter array, DeadLetter letter) {
    try {
      array.write(letter);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String safe(Object value) {
    return value == null || "".equals(value) ? "-" : LogSafe.escape(value);
  }

  private static String whole(Object value) {
    return value == null ? "-" : LogSafe.escape(value, Integer.MAX_VALUE);
  }
}
