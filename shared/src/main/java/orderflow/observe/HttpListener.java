package orderflow.observe;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 server for a few endpoints with small bodies: one request per connection ({@code
 * Connection: close}), handled by a bounded pool of worker threads.
 *
 * <p>It exists because the JDK's {@code HttpServer} reads request headers on its worker threads
 * without a deadline: two connections sending half a header kept a two-thread pool, and so every
 * readiness probe, busy for minutes. Here each connection has a deadline for its request head and a
 * longer one for the whole exchange (a client that stops reading the response is cut off too); a
 * connection arriving when every worker is busy and the queue is full gets an immediate 503 instead
 * of waiting.
 *
 * <p>This class is thread-safe.
 */
final class HttpListener implements AutoCloseable {
  static final Duration DEFAULT_HEAD_DEADLINE = Duration.ofSeconds(2);
  static final Duration DEFAULT_EXCHANGE_DEADLINE = Duration.ofSeconds(10);
  static final int WORKERS = 4;
  static final int QUEUED_CONNECTIONS = 16;
  private static final Duration ACCEPTOR_EXIT_TIMEOUT = Duration.ofSeconds(5);

  /**
   * A body over {@link RouteRequest#MAX_BODY_BYTES} is read and dropped up to this size, since
   * unread bytes at close make the kernel reset the connection before the 413 lands.
   */
  private static final long MAX_DISCARDED_BODY = 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(HttpListener.class);
  private static final Map<Integer, String> REASONS =
      Map.ofEntries(
          Map.entry(200, "OK"),
          Map.entry(201, "Created"),
          Map.entry(400, "Bad Request"),
          Map.entry(404, "Not Found"),
          Map.entry(405, "Method Not Allowed"),
          Map.entry(409, "Conflict"),
          Map.entry(413, "Content Too Large"),
          Map.entry(431, "Request Header Fields Too Large"),
          Map.entry(500, "Internal Server Error"),
          Map.entry(503, "Service Unavailable"));

  private final ServerSocket serverSocket;
  private final Function<RouteRequest, HttpReply> router;
  private final Duration headDeadline;
  private final Duration exchangeDeadline;
  private final ThreadPoolExecutor workers;
  private final ScheduledExecutorService deadlines;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;

  private HttpListener(
      ServerSocket serverSocket,
      Function<RouteRequest, HttpReply> router,
      Duration headDeadline,
      Duration exchangeDeadline) {
    this.serverSocket = serverSocket;
    this.router = router;
    this.headDeadline = headDeadline;
    this.exchangeDeadline = exchangeDeadline;
    this.workers =
        new ThreadPoolExecutor(
            WORKERS,
            WORKERS,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUED_CONNECTIONS),
            daemonThreads("health-http-"));
    workers.allowCoreThreadTimeOut(true);
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(1, daemonThreads("health-http-deadline-"));
    timer.setRemoveOnCancelPolicy(true);
    this.deadlines = timer;
    this.acceptor = daemonThreads("health-http-accept-").newThread(this::acceptLoop);
  }

  /**
   * @throws IOException when the address cannot be bound
   */
  static HttpListener start(
      InetAddress bindAddress,
      int port,
      Duration headDeadline,
      Duration exchangeDeadline,
      Function<RouteRequest, HttpReply> router)
      throws IOException {
    ServerSocket serverSocket = new ServerSocket();
    try {
      serverSocket.setReuseAddress(true);
      serverSocket.bind(new InetSocketAddress(bindAddress, port));
    } catch (IOException e) {
      serverSocket.close();
      throw e;
    }
    HttpListener listener = new HttpListener(serverSocket, router, headDeadline, exchangeDeadline);
    listener.acceptor.start();
    return listener;
  }

  InetSocketAddress address() {
    return (InetSocketAddress) serverSocket.getLocalSocketAddress();
  }

  private void acceptLoop() {
    while (!serverSocket.isClosed()) {
      Socket socket;
      try {
        socket = serverSocket.accept();
      } catch (IOException e) {
        if (!serverSocket.isClosed()) {
          LOG.warn("health endpoint: accept failed: {}", e.toString());
        }
        continue;
      }
      open.add(socket);
      try {
        workers.execute(() -> serve(socket));
      } catch (RejectedExecutionException e) {
        refuse(socket);
      }
    }
  }

  private void serve(Socket socket) {
    // Closing the socket is the only way to end a blocked write; it also ends a blocked read.
    ScheduledFuture<?> cutOff =
        deadlines.schedule(
            () -> closeQuietly(socket), exchangeDeadline.toMillis(), TimeUnit.MILLISECONDS);
    try {
      long headDeadlineNanos = System.nanoTime() + headDeadline.toNanos();
      InputStream in = new BufferedInputStream(socket.getInputStream());
      RequestHead head;
      try {
        head = RequestHead.read(socket, in, headDeadlineNanos);
      } catch (RequestHead.BadRequest e) {
        write(socket, HttpReply.of(e.status, "text/plain; charset=utf-8", e.getMessage()));
        return;
      }
      // The head's deadline is spent; the exchange deadline now bounds a slow body. A body over
      // the limit is dropped and the route answers 413.
      socket.setSoTimeout((int) exchangeDeadline.toMillis());
      byte[] body = new byte[0];
      if (head.contentLength() > 0 && head.contentLength() <= RouteRequest.MAX_BODY_BYTES) {
        body = in.readNBytes((int) head.contentLength());
      } else if (head.contentLength() <= MAX_DISCARDED_BODY) {
        in.skipNBytes(head.contentLength());
      }
      write(
          socket,
          router.apply(
              new RouteRequest(
                  head.method(),
                  head.path(),
                  head.query(),
                  head.headers(),
                  head.contentLength(),
                  body)));
    } catch (SocketTimeoutException e) {
      LOG.debug("health endpoint: slow client cut off: {}", e.getMessage());
    } catch (IOException | RuntimeException e) {
      LOG.debug("health endpoint: exchange failed: {}", e.toString());
    } finally {
      cutOff.cancel(false);
      closeQuietly(socket);
    }
  }

  /** Every worker is busy and the queue is full: say so at once rather than keep the client. */
  private void refuse(Socket socket) {
    try {
      write(socket, HttpReply.of(503, "application/json", "{\"error\":\"busy, try again\"}"));
    } catch (IOException e) {
      LOG.debug("health endpoint: refusing a connection failed: {}", e.toString());
    } finally {
      closeQuietly(socket);
    }
  }

  private static void write(Socket socket, HttpReply reply) throws IOException {
    StringBuilder head = new StringBuilder();
    head.append("HTTP/1.1 ")
        .append(reply.status())
        .append(' ')
        .append(REASONS.getOrDefault(reply.status(), "Status"))
        .append("\r\n");
    head.append("Content-Type: ").append(reply.contentType()).append("\r\n");
    head.append("Content-Length: ").append(reply.body().length).append("\r\n");
    head.append("Cache-Control: no-store\r\n");
    head.append("Connection: close\r\n");
    reply
        .headers()
        .forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    head.append("\r\n");
    OutputStream out = socket.getOutputStream();
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.write(reply.body());
    out.flush();
    socket.shutdownOutput();
  }

  private void closeQuietly(Socket socket) {
    open.remove(socket);
    try {
      socket.close();
    } catch (IOException e) {
      // Closing is all we wanted; nothing is left to do with it.
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Stops listening and cuts off every exchange in progress. */
  @Override
  public void close() {
    try {
      serverSocket.close();
    } catch (IOException e) {
      LOG.debug("health endpoint: closing the listening socket failed: {}", e.toString());
    }
    // The port is released only once the thread blocked in accept() has left it.
    try {
      acceptor.join(ACCEPTOR_EXIT_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    open.forEach(this::closeQuietly);
    workers.shutdownNow();
    deadlines.shutdownNow();
  }
}
