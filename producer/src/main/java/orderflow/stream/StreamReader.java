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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import orderflow.broker.Channels;

/**
 * A consumer of the events stream from a {@link StreamStart}, on a channel of its own, with manual
 * acks and a prefetch as streams require. The caller takes records one by one on its own thread and
 * calls {@link #done} when it is finished with each: a stream ack removes nothing, it only lets the
 * broker send more. A reader never changes the stream; it keeps its position itself.
 *
 * <p>Not thread-safe: one thread takes records. The broker's cancel or a closed channel ends the
 * reading with an {@link IOException} from {@link #next}.
 */
public final class StreamReader implements AutoCloseable {
  /** Unacked deliveries the broker may send ahead of the reader. */
  public static final int DEFAULT_PREFETCH = 500;

  private static final Object END = new Object();

  private final Channel channel;
  private final BlockingQueue<Object> arrivals = new LinkedBlockingQueue<>();
  private volatile String ended;

  private StreamReader(Channel channel) {
    this.channel = channel;
  }

  /** Attaches to {@code stream} at {@code start}. */
  public static StreamReader open(Connection connection, String stream, StreamStart start)
      throws IOException {
    Channel channel = connection.createChannel();
    StreamReader reader = new StreamReader(channel);
    try {
      channel.basicQos(DEFAULT_PREFETCH);
      channel.basicConsume(
          stream, false, Map.of(StreamOffsets.HEADER, start.argument()), reader.consumer());
      return reader;
    } catch (IOException | RuntimeException e) {
      reader.close();
      throw e;
    }
  }

  /**
   * The next record, waiting at most {@code wait}; empty when none came in that time.
   *
   * @throws IOException when the broker cancelled the consumer or the channel closed
   */
  public Optional<StreamRecord> next(Duration wait) throws IOException, InterruptedException {
    Object arrival = arrivals.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
    if (arrival == null) {
      return Optional.empty();
    }
    if (arrival == END) {
      arrivals.add(END);
      throw new IOException("the stream consumer ended: " + ended);
    }
    Delivery delivery = (Delivery) arrival;
    return Optional.of(new StreamRecord(StreamOffsets.of(delivery), delivery));
  }

  /** Acknowledges this record and every earlier one: the broker may send that many more. */
  public void done(StreamRecord record) throws IOException {
    channel.basicAck(record.delivery().getEnvelope().getDeliveryTag(), true);
  }

  @Override
  public void close() {
    Channels.closeQuietly(channel);
  }

  private DefaultConsumer consumer() {
    return new DefaultConsumer(channel) {
      @Override
      public void handleDelivery(
          String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
        arrivals.add(new Delivery(envelope, properties, body));
      }

      @Override
      public void handleCancel(String tag) {
        end("cancelled by the broker (the stream was deleted?)");
      }

      @Override
      public void handleShutdownSignal(String tag, ShutdownSignalException signal) {
        end(signal.getMessage());
      }
    };
  }

  private void end(String why) {
    if (ended == null) {
      ended = why;
      arrivals.add(END);
    }
  }
}
