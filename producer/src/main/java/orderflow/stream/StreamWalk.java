package orderflow.stream;

import com.rabbitmq.client.Connection;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Reads the stream from a start, in offset order, handing each record to a step and acking it once
 * the step returned: until stopped when following, otherwise up to the end the stream had when the
 * walk began ({@link StreamBoundary}).
 *
 * <p>The end is exact once anything is appended during the walk. On a stream that stays quiet it is
 * the point after which the broker sent nothing for {@code quiet}: the broker streams a reader
 * everything it has without pause, so a quiet spell means the reader is at the tail.
 */
public final class StreamWalk {
  /** What the walk does with each record, in offset order. */
  @FunctionalInterface
  public interface Step {
    void accept(StreamRecord record) throws Exception;
  }

  /** How long a quiet stream stays quiet before its tail counts as reached. */
  public static final Duration DEFAULT_QUIET = Duration.ofSeconds(1);

  private StreamWalk() {}

  /**
   * @param stop asked between records; true ends the walk (a signal, a limit)
   * @return how many records the step took
   */
  public static long walk(
      Connection connection,
      String stream,
      StreamStart start,
      boolean follow,
      Duration quiet,
      BooleanSupplier stop,
      Step step)
      throws Exception {
    try (StreamBoundary boundary = follow ? null : StreamBoundary.open(connection, stream);
        StreamReader reader = StreamReader.open(connection, stream, start)) {
      long taken = 0;
      boolean received = false;
      while (!stop.getAsBoolean()) {
        Optional<StreamRecord> next = reader.next(quiet);
        if (next.isEmpty()) {
          // Quiet: at the tail, unless older records are still on their way (we have had some
          // and the tail has moved since the start, so more lie between us and it).
          if (!follow && (!boundary.grew() || !received)) {
            return taken;
          }
          continue;
        }
        StreamRecord record = next.get();
        received = true;
        if (!follow && boundary.isPast(record.offset())) {
          return taken;
        }
        step.accept(record);
        reader.done(record);
        taken++;
      }
      return taken;
    }
  }

  /** The same, with the default quiet spell and never stopped early. */
  public static long walkToEnd(Connection connection, String stream, StreamStart start, Step step)
      throws Exception {
    return walk(connection, stream, start, false, DEFAULT_QUIET, () -> false, step);
  }
}
