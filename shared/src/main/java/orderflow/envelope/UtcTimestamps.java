package orderflow.envelope;

import java.time.Instant;
import java.time.LocalDate;

/**
 * Parses the two timestamp shapes the codec writes by hand, being on every event's path; anything
 * else goes to {@link Instant#parse}, so what is accepted and refused is the same.
 */
final class UtcTimestamps {
  private static final int WITHOUT_FRACTION = "2026-11-29T22:33:41Z".length();
  private static final int WITH_MILLIS = "2026-11-29T22:33:41.123Z".length();

  private UtcTimestamps() {}

  static Instant parse(String text) {
    Instant fast = parseCanonical(text);
    return fast != null ? fast : Instant.parse(text);
  }

  static Instant parseCanonical(String text) {
    int length = text.length();
    if (length != WITHOUT_FRACTION && length != WITH_MILLIS) {
      return null;
    }
    if (text.charAt(4) != '-'
        || text.charAt(7) != '-'
        || text.charAt(10) != 'T'
        || text.charAt(13) != ':'
        || text.charAt(16) != ':'
        || text.charAt(length - 1) != 'Z'
        || (length == WITH_MILLIS && text.charAt(19) != '.')) {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 2);
    int day = digits(text, 8, 2);
    int hour = digits(text, 11, 2);
    int minute = digits(text, 14, 2);
    int second = digits(text, 17, 2);
    int millis = length == WITH_MILLIS ? digits(text, 20, 3) : 0;
    if (year < 0
        || month < 1
        || month > 12
        || day < 1
        || day > 28 && day > LocalDate.of(year, month, 1).lengthOfMonth()
        || hour < 0
        || hour > 23
        || minute < 0
        || minute > 59
        || second < 0
        || second > 59
        || millis < 0) {
      return null;
    }
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    long seconds = epochDay * 86_400L + hour * 3_600L + minute * 60L + second;
    return Instant.ofEpochSecond(seconds, millis * 1_000_000L);
  }

  private static int digits(String text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
