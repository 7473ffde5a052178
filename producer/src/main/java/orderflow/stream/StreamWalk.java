package orderflow.stream;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DeliverCallback;
import com.rabbitmq.client.Delivery;
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
import java.util.function.Consumer;
import orderflow.broker.Channels;

/**
 * Reads the stream in batches, acking each after the step: live, or up to the end it had at the
 * start, which a second consumer at {@code next} marks (AMQP tells nothing of a stream's tail).
 */
public record StreamWalk(Connection connection, String stream, boolean follow, int maxBatch) {
  /** Takes each batch of records, in offset order; never an empty one. */
  @FunctionalInterface
  public interface Step {
    void accept(List<StreamRecord> batch) throws Exception;
  }

  static final Duration QUIET = Duration.ofSeconds(1);
  static final int FIRST_DELIVERY_QUIETS = 5;
  private static final int PREFETCH = 500;

  private static final long NONE = -1;

  /** {@code stop} is asked between batches. */
  public void walk(StreamStart start, BooleanSupplier stop, Step step) throws Exception {
    if (!follow && start.equals(StreamStart.NEXT)) {
      return; // nothing can lie before the end
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
            (tag, delivery) ->
                firstAppended.compareAndSet(NONE, StreamRecord.of(delivery).offset()),
            why -> {});
      }
      reader = connection.createChannel();
      consume(reader, start, PREFETCH, (tag, delivery) -> arrivals.add(delivery), arrivals::add);
      boolean received = false;
      boolean atEnd = false;
      while (!atEnd && !stop.getAsBoolean()) {
        List<StreamRecord> batch = new ArrayList<>();
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
        } else if (!follow && (firstAppended.get() == NONE || !received)) {
          // Quiet: at the tail, unless we had some and the tail has moved, so more lie before it.
          atEnd = true;
        }
      }
    } finally {
      Channels.closeQuietly(reader);
      Channels.closeQuietly(boundary);
    }
  }

  private static StreamRecord next(BlockingQueue<Object> arrivals, Duration wait)
      throws IOException, InterruptedException {
    Object arrival = arrivals.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
    if (arrival instanceof String ended) {
      arrivals.add(ended);
      throw new IOException("the stream consumer ended: " + ended);
    }
    return arrival == null ? null : StreamRecord.of((Delivery) arrival);
  }

  private void consume(
      Channel channel,
      StreamStart start,
      int prefetch,
      DeliverCallback delivered,
      Consumer<String> ended)
      throws IOException {
    channel.basicQos(prefetch);
    channel.basicConsume(
        stream,
        false,
        Map.of(StreamRecord.OFFSET_HEADER, start.argument()),
        delivered,
        tag -> ended.accept("cancelled by the broker (the stream was deleted?)"),
        (tag, signal) -> ended.accept(signal.getMessage()));
  }
}
