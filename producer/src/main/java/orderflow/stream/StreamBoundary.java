package orderflow.stream;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import orderflow.broker.Channels;

/**
 * Where the stream ended when reading began, for a reader that must stop there. RabbitMQ 3.10 tells
 * an AMQP 0-9-1 client nothing about a stream's tail (declare-ok counts 0 messages), so a consumer
 * attached at {@code next} before the reader watches the tail: the first offset it sees is the
 * first one appended after the start, and everything below it was there at the start. That is exact
 * as soon as one event is appended; until then the stream has not grown since the start.
 *
 * <p>Thread-safe: the broker's thread writes the boundary, the reader's reads it.
 */
public final class StreamBoundary implements AutoCloseable {
  private static final long NONE = -1;

  private final Channel channel;
  private final AtomicLong firstAppended = new AtomicLong(NONE);

  private StreamBoundary(Channel channel) {
    this.channel = channel;
  }

  /** Attaches the watching consumer: call before the reader attaches. */
  public static StreamBoundary open(Connection connection, String stream) throws IOException {
    Channel channel = connection.createChannel();
    StreamBoundary boundary = new StreamBoundary(channel);
    try {
      channel.basicQos(1);
      channel.basicConsume(
          stream,
          false,
          Map.of(StreamOffsets.HEADER, StreamStart.NEXT.argument()),
          boundary.watcher());
      return boundary;
    } catch (IOException | RuntimeException e) {
      boundary.close();
      throw e;
    }
  }

  /** True when something was appended since the start. */
  public boolean grew() {
    return firstAppended.get() != NONE;
  }

  /** True when {@code offset} was appended after the start. */
  public boolean isPast(long offset) {
    long first = firstAppended.get();
    return first != NONE && offset >= first;
  }

  @Override
  public void close() {
    Channels.closeQuietly(channel);
  }

  private DefaultConsumer watcher() {
    return new DefaultConsumer(channel) {
      @Override
      public void handleDelivery(
          String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
          throws IOException {
        // Never acked: with a prefetch of 1 the broker sends just the one delivery needed.
        firstAppended.compareAndSet(
            NONE, StreamOffsets.of(new Delivery(envelope, properties, body)));
      }
    };
  }
}
