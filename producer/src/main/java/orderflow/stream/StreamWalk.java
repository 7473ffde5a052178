package orderflow.stream;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import orderflow.broker.Channels;

/**
 * Reads the stream from a start, in offset order, handing records to a step in batches (what has
 * arrived, up to a maximum) and acking each batch once the step returned: until stopped when
 * following, otherwise up to the end the stream had when the walk began. A stream ack removes
 * nothing, it only lets the broker send more: a walk never changes the stream.
 *
 * <p>The end: RabbitMQ tells an AMQP 0-9-1 client nothing about a stream's tail (declare-ok counts
 * 0 messages), so a second consumer attached at {@code next} before the reader watches it; the
 * first offset it sees was appended after the start, and everything below it was there at the
 * start. That is exact once anything is appended during the walk. On a stream that stays quiet the
 * end is the point after which the broker sent nothing for {@link #QUIET}: the broker streams a
 * reader everything it has without pause. The first delivery is given {@value
 * #FIRST_DELIVERY_QUIETS} times as long (the broker opens the segment first).
 *
 * <p>Not thread-safe: one thread walks.
 */
public final class StreamWalk {
  /** What the walk does with each batch of records, in offset order; never an empty batch. */
  @FunctionalInterface
  public interface Step {
    void accept(List<StreamRecord> batch) throws Exception;
  }

  /** How long a quiet stream stays quiet before its tail counts as reached. */
  static final Duration QUIET = Duration.ofSeconds(1);

  /** How many quiet spells the first delivery may take. */
  static final int FIRST_DELIVERY_QUIETS = 5;

  /** Unacked deliveries the broker may send ahead of the reader. */
  static final int PREFETCH = 500;

  private static final long NONE = -1;

  private final Connection connection;
  private final String stream;
  private final boolean follow;
  private final int maxBatch;

  /**
   * @param follow true reads until stopped; false up to the end the stream has at the start
   * @param maxBatch at most this many records per batch
   */
  public StreamWalk(Connection connection, String stream, boolean follow, int maxBatch) {
    this.connection = connection;
    this.stream = stream;
    this.follow = follow;
    this.maxBatch = maxBatch;
  }

  /**
   * @param stop asked between batches; true ends the walk (a signal, a limit)
   * @return how many records the step took
   */
  public long walk(StreamStart start, BooleanSupplier stop, Step step) throws Exception {
    if (!follow && start.equals(StreamStart.NEXT)) {
      return 0; // nothing can lie before the end
    }
    AtomicLong firstAppended = new AtomicLong(NONE);
    BlockingQueue<Object> arrivals = new LinkedBlockingQueue<>();
    Channel boundary = follow ? null : connection.createChannel();
    Channel reader = null;
    try {
      if (boundary != null) {
        // Never acked: with a prefetch of 1 the broker sends just the one delivery needed.
        consume(
            boundary,
            StreamStart.NEXT,
            1,
            delivery -> firstAppended.compareAndSet(NONE, StreamRecord.of(delivery).offset()));
      }
      reader = connection.createChannel();
      consume(
          reader,
          start,
          PREFETCH,
          new Sink() {
            @Override
            public void delivered(Delivery delivery) {
              arrivals.add(delivery);
            }

            @Override
            public void ended(String why) {
              arrivals.add(why);
            }
          });
      long taken = 0;
      boolean received = false;
      while (!stop.getAsBoolean()) {
        List<StreamRecord> batch = new ArrayList<>();
        boolean atEnd = false;
        StreamRecord next =
            next(arrivals, received ? QUIET : QUIET.multipliedBy(FIRST_DELIVERY_QUIETS));
        while (next != null) {
          received = true;
          long first = firstAppended.get();
          if (!follow && first != NONE && next.offset() >= first) {
            atEnd = true;
            break;
          }
          batch.add(next);
          next = batch.size() < maxBatch ? next(arrivals, Duration.ZERO) : null;
        }
        if (!batch.isEmpty()) {
          step.accept(batch);
          reader.basicAck(
              batch.get(batch.size() - 1).delivery().getEnvelope().getDeliveryTag(), true);
          taken += batch.size();
        } else if (!follow && (firstAppended.get() == NONE || !received)) {
          // Quiet: at the tail, unless older records are still on their way (we have had some
          // and the tail has moved since the start, so more lie between us and it).
          atEnd = true;
        }
        if (atEnd) {
          return taken;
        }
      }
      return taken;
    } finally {
      Channels.closeQuietly(reader);
      Channels.closeQuietly(boundary);
    }
  }

  /** A stream record, or null when none came within {@code wait}. */
  private static StreamRecord next(BlockingQueue<Object> arrivals, Duration wait)
      throws IOException, InterruptedException {
    Object arrival = arrivals.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
    if (arrival instanceof String ended) {
      arrivals.add(ended);
      throw new IOException("the stream consumer ended: " + ended);
    }
    return arrival == null ? null : StreamRecord.of((Delivery) arrival);
  }

  /** A stream consumer with manual acks and a prefetch, as streams require. */
  private void consume(Channel channel, StreamStart start, int prefetch, Sink sink)
      throws IOException {
    channel.basicQos(prefetch);
    channel.basicConsume(
        stream,
        false,
        Map.of(StreamRecord.OFFSET_HEADER, start.argument()),
        new DefaultConsumer(channel) {
          @Override
          public void handleDelivery(
              String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
              throws IOException {
            sink.delivered(new Delivery(envelope, properties, body));
          }

          @Override
          public void handleCancel(String tag) {
            sink.ended("cancelled by the broker (the stream was deleted?)");
          }

          @Override
          public void handleShutdownSignal(String tag, ShutdownSignalException signal) {
            sink.ended(signal.getMessage());
          }
        });
  }

  /** Where a stream consumer hands its deliveries, and why it ended. */
  private interface Sink {
    void delivered(Delivery delivery) throws IOException;

    default void ended(String why) {}
  }
}
