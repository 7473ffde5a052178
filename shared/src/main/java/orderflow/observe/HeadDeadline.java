package orderflow.observe;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Closes a new connection that has not completed its first request head within the deadline, after
 * a 408: Jetty's idle timeout restarts with every byte, so alone it would keep a client that sends
 * one byte a second. Later requests on a kept-alive connection are bounded by the idle timeout.
 * Thread-safe.
 */
final class HeadDeadline implements Connection.Listener {
  private final Duration deadline;
  private final Scheduler scheduler;
  private final HttpRefusals refusals;
  private final byte[] timeout;

  HeadDeadline(Duration deadline, Scheduler scheduler, HttpRefusals refusals) {
    this.deadline = deadline;
    this.scheduler = scheduler;
    this.refusals = refusals;
    String body =
        new String(
            Problem.of(ProblemType.REQUEST_TIMEOUT, detail()).toBytes(), StandardCharsets.UTF_8);
    this.timeout =
        ("HTTP/1.1 408 Request Timeout\r\nContent-Type: "
                + Problem.CONTENT_TYPE
                + "\r\nConnection: close\r\nContent-Length: "
                + body.length()
                + "\r\n\r\n"
                + body)
            .getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public void onOpened(Connection connection) {
    scheduler.schedule(() -> expire(connection), deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void expire(Connection connection) {
    EndPoint endPoint = connection.getEndPoint();
    if (!endPoint.isOpen() || connection.getMessagesIn() > 0) {
      return;
    }
    refusals.refused("timeout", detail());
    endPoint.write(Callback.from(endPoint::close), ByteBuffer.wrap(timeout));
  }

  private String detail() {
    return "no complete request head within " + deadline.toMillis() + " ms";
  }
}
