package orderflow.topology;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The events stream's settings (docs/architecture.md section 4.1): whether the topology has it, and
 * its retention. RabbitMQ deletes whole segments once they are older than {@code maxAge} or the
 * stream is larger than {@code maxLengthBytes}, whichever comes first, so a segment size well below
 * the size cap keeps retention fine-grained.
 *
 * <p>Every process must see the same values: a declare with other retention arguments is refused
 * (406) by a broker that has the stream already.
 *
 * @param enabled false declares the topology without the stream ({@code ORDERS_STREAM=off})
 * @param maxAge RabbitMQ's age syntax: a number and one of {@code Y M D h m s}, e.g. {@code 7D}
 * @param maxLengthBytes the size cap of the whole stream
 * @param maxSegmentSizeBytes the size of one segment file
 */
public record EventStream(
    boolean enabled, String maxAge, long maxLengthBytes, long maxSegmentSizeBytes) {
  private static final Pattern AGE = Pattern.compile("[1-9][0-9]*[YMDhms]");

  public static final String DEFAULT_MAX_AGE = "7D";

  /** 20 GB: a guard for the broker's disk; age is the limit meant to apply first. */
  public static final long DEFAULT_MAX_LENGTH_BYTES = 20_000_000_000L;

  /** 100 MB, a fifth of RabbitMQ's default: retention deletes at most that much at once. */
  public static final long DEFAULT_MAX_SEGMENT_SIZE_BYTES = 100_000_000L;

  public static final EventStream DEFAULT =
      new EventStream(
          true, DEFAULT_MAX_AGE, DEFAULT_MAX_LENGTH_BYTES, DEFAULT_MAX_SEGMENT_SIZE_BYTES);

  public EventStream {
    Objects.requireNonNull(maxAge, "maxAge");
    if (!AGE.matcher(maxAge).matches()) {
      throw new IllegalArgumentException(
          "stream max age must be a number and one of Y M D h m s (e.g. 7D), was '" + maxAge + "'");
    }
    if (maxLengthBytes <= 0 || maxSegmentSizeBytes <= 0) {
      throw new IllegalArgumentException("stream sizes must be positive");
    }
  }

  /**
   * Reads {@code ORDERS_STREAM} ({@code on} or {@code off}), {@code ORDERS_STREAM_MAX_AGE}, {@code
   * ORDERS_STREAM_MAX_BYTES} and {@code ORDERS_STREAM_SEGMENT_BYTES}; unset ones take the defaults.
   */
  public static EventStream fromEnv(Function<String, String> env) {
    String enabled = env.apply("ORDERS_STREAM");
    if (enabled != null && !enabled.equals("on") && !enabled.equals("off")) {
      throw new IllegalArgumentException("ORDERS_STREAM must be on or off, was '" + enabled + "'");
    }
    return new EventStream(
        !"off".equals(enabled),
        orDefault(env.apply("ORDERS_STREAM_MAX_AGE"), DEFAULT_MAX_AGE),
        bytes(env, "ORDERS_STREAM_MAX_BYTES", DEFAULT_MAX_LENGTH_BYTES),
        bytes(env, "ORDERS_STREAM_SEGMENT_BYTES", DEFAULT_MAX_SEGMENT_SIZE_BYTES));
  }

  /** The queue arguments that make a stream with this retention. */
  Map<String, Object> arguments() {
    return Map.of(
        "x-queue-type", "stream",
        "x-max-age", maxAge,
        "x-max-length-bytes", maxLengthBytes,
        "x-stream-max-segment-size-bytes", maxSegmentSizeBytes);
  }

  private static String orDefault(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value.trim();
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
