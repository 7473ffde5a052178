package orderflow.broker;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/** Small operations on channels. This class is stateless and thread-safe. */
public final class Channels {
  private Channels() {}

  /**
   * Closes {@code channel} (null allowed) if it is open; a channel the broker closed meanwhile
   * holds nothing more, so that failure is ignored.
   */
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
