package orderflow.stream;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.Set;

/**
 * Where a reader attaches to the stream: the {@code x-stream-offset} argument, {@code first},
 * {@code last}, {@code next}, an offset or a time (the first chunk written at or after it).
 */
public record StreamStart(Object argument) {
  public static final StreamStart FIRST = new StreamStart("first");
  public static final StreamStart NEXT = new StreamStart("next");

  /** Also an ISO-8601 instant; anything else is an IllegalArgumentException naming the forms. */
  public static StreamStart parse(String text) {
    String value = text.trim();
    try {
      if (Set.of("first", "last", "next").contains(value)) {
        return new StreamStart(value);
      }
      return new StreamStart(
          value.matches("[0-9]+") ? Long.parseLong(value) : Date.from(Instant.parse(value)));
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new IllegalArgumentException(
          "must be first, last, next, an offset or an ISO-8601 instant such as"
              + " 2026-12-02T10:00:00Z, was '"
              + text
              + "'");
    }
  }
}
