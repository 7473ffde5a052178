package orderflow.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of the broker, so a test can cut every connection the way a network drop
 * would (the client sees an unexpected close and recovers), whatever broker the tests run against.
 */
public final class TcpProxy implements AutoCloseable {
  private final ServerSocket server;
  private final String targetHost;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  public TcpProxy(URI broker) throws IOException {
    this.targetHost = broker.getHost();
    this.targetPort = broker.getPort() > 0 ? broker.getPort() : 5672;
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress("127.0.0.1", 0));
    this.acceptor = new Thread(this::accept, "tcp-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The broker URI as seen through this proxy (same credentials and vhost). */
  public URI uri(URI broker) {
    return URI.create(
        broker.getScheme()
            + "://"
            + broker.getRawUserInfo()
            + "@127.0.0.1:"
            + server.getLocalPort()
            + (broker.getRawPath() == null || broker.getRawPath().isEmpty()
                ? "/%2F"
                : broker.getRawPath()));
  }

  /** Whether a connection through this proxy is open now. */
  public boolean carriesConnections() {
    return sockets.stream().anyMatch(socket -> !socket.isClosed());
  }

  /** Closes every proxied connection; new ones are accepted again. */
  public void dropConnections() {
    for (Socket socket : sockets) {
      closeQuietly(socket);
    }
    sockets.clear();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(targetHost, targetPort);
        sockets.add(client);
        sockets.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        // Server closed, or the broker refused: the client sees a failed connection and retries.
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[16384];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                  out.write(buffer, 0, read);
                  out.flush();
                }
              } catch (IOException e) {
                // One side closed: close the other below.
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "tcp-proxy-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Already closed.
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    dropConnections();
  }
}
