package orderflow.broker;

import com.rabbitmq.client.impl.AMQConnection;
import com.rabbitmq.client.impl.Frame;
import com.rabbitmq.client.impl.FrameHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketException;

/**
 * The client's frame handler, telling {@link InboundTraffic} about every frame it reads. The
 * client's own API says nothing about heartbeats received (its traffic listener sees methods only),
 * so this is the one place that sees them.
 */
final class TrafficWatchingFrameHandler implements FrameHandler {
  private final FrameHandler delegate;
  private final InboundTraffic traffic;

  TrafficWatchingFrameHandler(FrameHandler delegate, InboundTraffic traffic) {
    this.delegate = delegate;
    this.traffic = traffic;
  }

  @Override
  public Frame readFrame() throws IOException {
    Frame frame = delegate.readFrame();
    if (frame != null) {
      traffic.frameArrived();
    }
    return frame;
  }

  @Override
  public boolean internalHearbeat() {
    return delegate.internalHearbeat();
  }

  @Override
  public void setTimeout(int timeoutMs) throws SocketException {
    delegate.setTimeout(timeoutMs);
  }

  @Override
  public int getTimeout() throws SocketException {
    return delegate.getTimeout();
  }

  @Override
  public void sendHeader() throws IOException {
    delegate.sendHeader();
  }

  @Override
  public void initialize(AMQConnection connection) {
    delegate.initialize(connection);
  }

  @Override
  public void finishConnectionNegotiation() {
    delegate.finishConnectionNegotiation();
  }

  @Override
  public void writeFrame(Frame frame) throws IOException {
    delegate.writeFrame(frame);
  }

  @Override
  public void flush() throws IOException {
    delegate.flush();
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public InetAddress getLocalAddress() {
    return delegate.getLocalAddress();
  }

  @Override
  public int getLocalPort() {
    return delegate.getLocalPort();
  }

  @Override
  public InetAddress getAddress() {
    return delegate.getAddress();
  }

  @Override
  public int getPort() {
    return delegate.getPort();
  }
}
