package orderflow.broker;

import com.rabbitmq.client.Connection;
import java.time.Duration;

/**
 * Whether a connection has heard from the broker within its heartbeat interval. A network black
 * hole or a frozen broker leaves the socket open: the client closes the connection only after two
 * intervals without a frame, and until then {@link Connection#isOpen()} says nothing is wrong. The
 * broker sends a heartbeat after half an interval of silence, so a whole interval without a frame
 * means two missed heartbeats.
 *
 * <p>Thread-safe.
 */
public final class ConnectionSilence {
  /** The {@link #state()} of a connection that is not silent. */
  public static final String OK = "ok";

  private final Connection connection;
  private final InboundTraffic traffic;

  ConnectionSilence(Connection connection, InboundTraffic traffic) {
    this.connection = connection;
    this.traffic = traffic;
  }

  /**
   * {@link #OK}, or what is wrong, e.g. {@code "no frame from the broker for 12 s, past the 10 s
   * heartbeat"}. With heartbeats off (0) silence means nothing, so the state is always {@link #OK}.
   */
  public String state() {
    return state(traffic.silence(), connection.getHeartbeat());
  }

  static String state(Duration silence, int heartbeatSeconds) {
    if (heartbeatSeconds <= 0 || silence.compareTo(Duration.ofSeconds(heartbeatSeconds)) <= 0) {
      return OK;
    }
    return "no frame from the broker for "
        + silence.toSeconds()
        + " s, past the "
        + heartbeatSeconds
        + " s heartbeat";
  }
}
