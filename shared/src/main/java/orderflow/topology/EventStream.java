package orderflow.topology;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The events stream's settings: whether it is declared, and its retention. Every process must see
 * the same values: a broker refuses (406) a declare with other retention arguments.
 */
public record EventStream(
    boolean enabled, String maxAge, long maxLengthBytes, long maxSegmentSizeBytes) {
  private static final Pattern AGE = Pattern.compile("[1-9][0-9]*[YMDhms]");
  public static final String DEFAULT_MAX_AGE = "7D";
  public static final long DEFAULT_MAX_LENGTH_BYTES = 20_000_000_000L;
  public static final long DEFAULT_MAX_SEGMENT_SIZE_BYTES = 100_000_000L;
  public static final EventStream DEFAULT =
      new EventStream(
          true, DEFAULT_MAX_AGE, DEFAULT_MAX_LENGTH_BYTES, DEFAULT_MAX_SEGMENT_SIZE_BYTES);

  public EventStream {
    if (!AGE.matcher(Objects.requireNonNull(maxAge, "maxAge")).matches()) {
      throw new IllegalArgumentException(
          "stream max age must be a number and one of Y M D h m s (e.g. 7D), was '" + maxAge + "'");
    }
    if (maxLengthBytes <= 0 || maxSegmentSizeBytes <= 0) {
      throw new IllegalArgumentException("stream sizes must be positive");
    }
  }

  public static EventStream fromEnv(Function<String, String> env) {
    String enabled = env.apply("ORDERS_STREAM");
    if (enabled != null && !enabled.equals("on") && !enabled.equals("off")) {
      throw new IllegalArgumentException("ORDERS_STREAM must be on or off, was '" + enabled + "'");
    }
    String maxAge = env.apply("ORDERS_STREAM_MAX_AGE");
    return new EventStream(
        !"off".equals(enabled),
        maxAge == null || maxAge.isBlank() ? DEFAULT_MAX_AGE : maxAge.trim(),
        bytes(env, "ORDERS_STREAM_MAX_BYTES", DEFAULT_MAX_LENGTH_BYTES),
        bytes(env, "ORDERS_STREAM_SEGMENT_BYTES", DEFAULT_MAX_SEGMENT_SIZE_BYTES));
  }

  Map<String, Object> arguments() {
    return Map.of(
        "x-queue-type", "stream",
        "x-max-age", maxAge,
        "x-max-length-bytes", maxLengthBytes,
        "x-stream-max-segment-size-bytes", maxSegmentSizeBytes);
  }

  private static long bytes(Function<String, String> env, String name, long fallback) {
    String value = env.apply(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number of bytes, was '" + value + "'");
    }
  }
}
