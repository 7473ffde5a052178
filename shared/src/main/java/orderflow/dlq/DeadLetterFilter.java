package orderflow.dlq;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * Which dead letters an operation takes. Every criterion left null matches everything.
 *
 * @param type the event type, exactly
 * @param reason a regular expression found anywhere in the reason (anchor it with {@code ^...$})
 * @param since dead-lettered at or after (a letter without a failure time never matches)
 * @param until dead-lettered before
 * @param eventId the event id, exactly
 * @param limit at most this many letters (counted among those matching)
 */
public record DeadLetterFilter(
    String type, Pattern reason, Instant since, Instant until, String eventId, Integer limit) {
  public static final DeadLetterFilter ALL =
      new DeadLetterFilter(null, null, null, null, null, null);

  public DeadLetterFilter {
    if (limit != null && limit <= 0) {
      throw new IllegalArgumentException("limit must be positive, was " + limit);
    }
    if (since != null && until != null && !since.isBefore(until)) {
      throw new IllegalArgumentException(
          "since (" + since + ") must be before until (" + until + ")");
    }
  }

  public static DeadLetterFilter eventId(String eventId) {
    return new DeadLetterFilter(null, null, null, null, eventId, null);
  }

  public boolean matches(DeadLetter letter) {
    if (type != null && !type.equals(letter.eventType())) {
      return false;
    }
    if (eventId != null && !eventId.equals(letter.eventId())) {
      return false;
    }
    if (reason != null && (letter.reason() == null || !reason.matcher(letter.reason()).find())) {
      return false;
    }
    if (since != null || until != null) {
      Instant at = letter.lastFailureAt();
      if (at == null
          || (since != null && at.isBefore(since))
          || (until != null && !at.isBefore(until))) {
        return false;
      }
    }
    return true;
  }

  /** True once {@code taken} letters have been taken and the limit says stop. */
  public boolean limitReached(int taken) {
    return limit != null && taken >= limit;
  }
}
