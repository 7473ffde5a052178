package orderflow.observe;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The request line and the one header we use ({@code Content-Length}) of an HTTP/1.x request, read
 * within a size limit and a deadline for the whole head, so a client that sends a byte now and then
 * cannot keep a thread for longer than the deadline.
 *
 * @param method e.g. {@code GET}
 * @param path the request target without its query
 * @param contentLength the body's length, 0 when absent
 * @param query the raw query string, empty when there is none
 * @param headers header values by lower-case name (the last one wins when a name repeats)
 */
record RequestHead(
    String method, String path, long contentLength, String query, Map<String, String> headers) {
  /** Larger than any probe or scraper sends; a longer head is refused. */
  static final int MAX_BYTES = 8 * 1024;

  /** Why a head could not be read; the connection is answered with {@code status} and closed. */
  static final class BadRequest extends IOException {
    private static final long serialVersionUID = 1L;
    final int status;

    BadRequest(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  /**
   * @param deadlineNanos {@link System#nanoTime()} by which the whole head must have arrived
   * @throws SocketTimeoutException when it has not
   * @throws BadRequest when it is too large or not HTTP
   */
  static RequestHead read(Socket socket, InputStream in, long deadlineNanos) throws IOException {
    byte[] head = new byte[MAX_BYTES];
    int length = 0;
    while (!endsWithBlankLine(head, length)) {
      if (length == MAX_BYTES) {
        throw new BadRequest(431, "request head larger than " + MAX_BYTES + " bytes");
      }
      long remainingMillis = (deadlineNanos - System.nanoTime()) / 1_000_000;
      if (remainingMillis <= 0) {
        throw new SocketTimeoutException("request head not complete in time");
      }
      // A read timeout alone would restart with each byte; the deadline bounds the whole head.
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, remainingMillis));
      int next = in.read();
      if (next < 0) {
        throw new SocketTimeoutException("connection closed before the request head ended");
      }
      head[length++] = (byte) next;
    }
    return parse(new String(head, 0, length, StandardCharsets.ISO_8859_1));
  }

  private static RequestHead parse(String text) throws BadRequest {
    String[] lines = text.split("\r?\n");
    String[] requestLine = lines[0].split(" ");
    if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
      throw new BadRequest(400, "not an HTTP/1.x request line");
    }
    String target = requestLine[1];
    int query = target.indexOf('?');
    String path = query < 0 ? target : target.substring(0, query);
    String queryString = query < 0 ? "" : target.substring(query + 1);
    long contentLength = 0;
    Map<String, String> headers = new HashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = lines[i].substring(colon + 1).trim();
      headers.put(name, value);
      if (name.equals("content-length")) {
        try {
          contentLength = Long.parseLong(value);
        } catch (NumberFormatException e) {
          throw new BadRequest(400, "bad Content-Length");
        }
        if (contentLength < 0) {
          throw new BadRequest(400, "bad Content-Length");
        }
      }
    }
    return new RequestHead(requestLine[0], path, contentLength, queryString, headers);
  }

  private static boolean endsWithBlankLine(byte[] head, int length) {
    return (length >= 4
            && head[length - 4] == '\r'
            && head[length - 3] == '\n'
            && head[length - 2] == '\r'
            && head[length - 1] == '\n')
        || (length >= 2 && head[length - 2] == '\n' && head[length - 1] == '\n');
  }
}
