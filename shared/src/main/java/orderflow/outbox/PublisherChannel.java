package orderflow.outbox;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import orderflow.publish.ConfirmingPublisher;
import orderflow.publish.PublishSpans;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox publisher's confirming channel, opened on demand and reopened after it failed.
 * Confined to the publisher thread.
 */
final class PublisherChannel {
  private static final Logger log = LoggerFactory.getLogger(PublisherChannel.class);

  private final Connection connection;
  private final int window;
  private final PublishSpans spans;
  private BatchPublisher current;

  PublisherChannel(Connection connection, int window, PublishSpans spans) {
    this.connection = connection;
    this.window = window;
    this.spans = spans;
  }

  /** The open channel's publisher, opening a new channel if there is none or it closed. */
  BatchPublisher publisher() throws IOException {
    if (current != null && current.publisher().channel().isOpen()) {
      return current;
    }
    close();
    Channel channel = connection.createChannel();
    if (channel == null) {
      throw new IOException("no channel available on the broker connection");
    }
    try {
      current =
          new BatchPublisher(
              new ConfirmingPublisher(channel, window),
              ConfirmingPublisher.DEFAULT_CONFIRM_TIMEOUT,
              spans);
    } catch (IOException | RuntimeException e) {
      abort(channel);
      throw e;
    }
    return current;
  }

  void close() {
    if (current == null) {
      return;
    }
    Channel channel = current.publisher().channel();
    current = null;
    try {
      if (channel.isOpen()) {
        channel.close();
      }
    } catch (IOException | TimeoutException | ShutdownSignalException e) {
      log.debug("closing the outbox publisher channel: {}", e.toString());
    } finally {
      // A closed channel of a recovering connection stays registered for recovery until aborted.
      abort(channel);
    }
  }

  private static void abort(Channel channel) {
    try {
      channel.abort();
    } catch (IOException | ShutdownSignalException e) {
      log.debug("aborting the outbox publisher channel: {}", e.toString());
    }
  }
}
