package orderflow.stream;

import com.rabbitmq.client.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Reads the stream from a start, in offset order, handing records to a step in batches (what has
 * arrived, up to a maximum) and acking each batch once the step returned: until stopped when
 * following, otherwise up to the end the stream had when the walk began ({@link StreamBoundary}).
 *
 * <p>The end is exact once anything is appended during the walk. On a stream that stays quiet it is
 * the point after which the broker sent nothing for {@code quiet}: the broker streams a reader
 * everything it has without pause, so a quiet spell means the reader is at the tail. The first
 * delivery is given {@value #FIRST_DELIVERY_QUIETS} times as long (the broker opens the segment
 * first, which a busy machine makes slow), and a walk from {@code next} that is not following ends
 * at once: nothing can lie before the end.
 */
public final class StreamWalk {
  /** What the walk does with each batch of records, in offset order; never an empty batch. */
  @FunctionalInterface
  public interface Step {
    void accept(List<StreamRecord> batch) throws Exception;
  }

  /** How long a quiet stream stays quiet before its tail counts as reached. */
  public static final Duration DEFAULT_QUIET = Duration.ofSeconds(1);

  /** How many quiet spells the first delivery may take. */
  static final int FIRST_DELIVERY_QUIETS = 5;

  private final Connection connection;
  private final String stream;
  private final boolean follow;
  private final Duration quiet;
  private final int maxBatch;

  /**
   * @param follow true reads until stopped; false up to the end the stream has at the start
   * @param maxBatch at most this many records per batch
   */
  public StreamWalk(
      Connection connection, String stream, boolean follow, Duration quiet, int maxBatch) {
    this.connection = connection;
    this.stream = stream;
    this.follow = follow;
    this.quiet = quiet;
    this.maxBatch = maxBatch;
  }

  /**
   * @param stop asked between batches; true ends the walk (a signal, a limit)
   * @return how many records the step took
   */
  public long walk(StreamStart start, BooleanSupplier stop, Step step) throws Exception {
    if (!follow && start.equals(StreamStart.NEXT)) {
      return 0;
    }
    try (StreamBoundary boundary = follow ? null : StreamBoundary.open(connection, stream);
        StreamReader reader = StreamReader.open(connection, stream, start)) {
      long taken = 0;
      boolean received = false;
      while (!stop.getAsBoolean()) {
        List<StreamRecord> batch = new ArrayList<>();
        boolean atEnd = false;
        Optional<StreamRecord> next =
            reader.next(received ? quiet : quiet.multipliedBy(FIRST_DELIVERY_QUIETS));
        while (next.isPresent()) {
          received = true;
          if (!follow && boundary.isPast(next.get().offset())) {
            atEnd = true;
            break;
          }
          batch.add(next.get());
          next = batch.size() < maxBatch ? reader.next(Duration.ZERO) : Optional.empty();
        }
        if (!batch.isEmpty()) {
          step.accept(batch);
          reader.done(batch.get(batch.size() - 1));
          taken += batch.size();
        } else if (!follow && (!boundary.grew() || !received)) {
          // Quiet: at the tail, unless older records are still on their way (we have had some
          // and the tail has moved since the start, so more lie between us and it).
          atEnd = true;
        }
        if (atEnd) {
          return taken;
        }
      }
      return taken;
    }
  }
}
