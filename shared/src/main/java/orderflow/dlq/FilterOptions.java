package orderflow.dlq;

import java.time.Instant;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/** Which dead letters an operation takes (a picocli mixin); an option left out matches all. */
public final class FilterOptions {
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

  public static FilterOptions all() {
    return new FilterOptions();
  }

  public static FilterOptions eventId(String eventId) {
    FilterOptions filter = new FilterOptions();
    filter.eventId = eventId;
    return filter;
  }

  void validate() {
    if (limit != null && limit <= 0) {
      throw new IllegalArgumentException("--limit must be positive, was " + limit);
    }
    if (since != null && until != null && !since.isBefore(until)) {
      throw new IllegalArgumentException(
          "--since (" + since + ") must be before --until (" + until + ")");
    }
  }

  boolean matches(DeadLetter letter) {
    Instant at = letter.lastFailureAt();
    return (type == null || type.equals(letter.eventType()))
        && (eventId == null || eventId.equals(letter.eventId()))
        && (reason == null || (letter.reason() != null && reason.matcher(letter.reason()).find()))
        && (since == null || (at != null && !at.isBefore(since)))
        && (until == null || (at != null && at.isBefore(until)));
  }
}
