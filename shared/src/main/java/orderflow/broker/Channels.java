package orderflow.broker;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

public final class Channels {
  private Channels() {}

  /** Closes {@code channel} (null allowed) if open; failing because it closed meanwhile is fine. */
  public static void closeQuietly(Channel channel) {
    if (channel == null) {
      return;
    }
    try {
      if (channel.isOpen()) {
        channel.close();
      }
    } catch (IOException | TimeoutException | ShutdownSignalException e) {
      // Closed by the broker, or closing already.
    }
  }
}
