package orderflow.dlq;

import java.time.Instant;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/** The dead-letter filter options shared by {@code list}, {@code replay} and {@code purge}. */
final class FilterOptions {
  @Option(names = "--type", paramLabel = "TYPE", description = "Only this event type")
  String type;

  @Option(
      names = "--reason",
      paramLabel = "REGEX",
      description = "Only reasons in which this regular expression is found")
  Pattern reason;

  @Option(
      names = "--since",
      paramLabel = "INSTANT",
      description = "Only dead-lettered at or after (ISO-8601, e.g. 2026-11-22T10:00:00Z)")
  Instant since;

  @Option(names = "--until", paramLabel = "INSTANT", description = "Only dead-lettered before")
  Instant until;

  @Option(names = "--event-id", paramLabel = "ID", description = "Only this event")
  String eventId;

  @Option(names = "--limit", paramLabel = "N", description = "At most N dead letters")
  Integer limit;

  /**
   * @throws IllegalArgumentException when the options contradict each other
   */
  DeadLetterFilter filter() {
    return new DeadLetterFilter(type, reason, since, until, eventId, limit);
  }
}
