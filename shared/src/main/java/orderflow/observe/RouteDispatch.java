package orderflow.observe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import orderflow.config.LogSafe;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the service's {@link HttpRoute}s off Jetty's threads: the body is read without holding a
 * thread, within a deadline its size and {@link HttpLimits#minBodyBytesPerSecond()} allow (else
 * 408), then the route runs on the bounded API pool (a full queue answers 503 with {@code
 * Retry-After} at once). So neither slow clients nor API load reach the threads that answer probes.
 * A route that can hand a small request on without blocking ({@link
 * HttpRoute#answerWithoutBlocking}) does so on the Jetty thread instead, and its reply is written
 * without blocking by whichever thread completes it: no API thread waits for it.
 *
 * <p>Thread-safe.
 */
final class RouteDispatch {
  private static final Logger LOG = LoggerFactory.getLogger(RouteDispatch.class);
  private static final long MAX_DISCARDED_BODY = 1024 * 1024;

  /**
   * The largest body a route may answer on the Jetty thread ({@link
   * HttpRoute#answerWithoutBlocking}): checking it in memory takes microseconds, so the threads
   * that answer probes are not held by it.
   */
  static final int MAX_DIRECT_BODY_BYTES = 4096;

  private final List<HttpRoute> routes;
  private final HttpLimits limits;
  private final ThreadPoolExecutor pool;
  private final HttpRefusals refusals;

  RouteDispatch(
      List<HttpRoute> routes, HttpLimits limits, ThreadPoolExecutor pool, HttpRefusals refusals) {
    this.routes = List.copyOf(routes);
    this.limits = limits;
    this.pool = pool;
    this.refusals = refusals;
  }

  Optional<HttpRoute> find(String path) {
    return routes.stream().filter(route -> route.matches(path)).findFirst();
  }

  void serve(HttpRoute route, Request request, Response response, Callback callback) {
    long declared = request.getLength();
    long expected = declared >= 0 ? declared : limits.maxBodyBytes();
    if (declared > limits.maxBodyBytes()) {
      refuseTooLarge(request, response, callback, declared);
      return;
    }
    long allowedMillis = allowedMillis(expected);
    CompletableFuture<byte[]> body = new CompletableFuture<>();
    if (declared == 0) {
      body.complete(new byte[0]);
    } else {
      Content.Source.asByteArrayAsync(
          request, limits.maxBodyBytes(), Promise.Invocable.toPromise(body));
      body.orTimeout(allowedMillis, TimeUnit.MILLISECONDS);
    }
    body.whenComplete(
        (bytes, failure) -> {
          if (failure != null) {
            bodyFailed(request, response, callback, failure);
            return;
          }
          if (bytes.length <= MAX_DIRECT_BODY_BYTES
              && answerDirectly(route, request, response, callback, bytes)) {
            return;
          }
          try {
            pool.execute(() -> answer(route, request, response, callback, bytes));
          } catch (RejectedExecutionException e) {
            refuseBusy(request, response, callback);
          }
        });
  }

  private void refuseBusy(Request request, Response response, Callback callback) {
    refuse(
        request,
        response,
        callback,
        "busy",
        Problem.of(
            ProblemType.OVERLOADED,
            "every API thread is busy and " + limits.apiQueue() + " requests wait"),
        false);
  }

  /**
   * Lets the route answer without the API pool; false when it declines. The reply is written
   * without blocking, on the thread that completes it (the client may not read).
   */
  private boolean answerDirectly(
      HttpRoute route, Request request, Response response, Callback callback, byte[] body) {
    CompletionStage<HttpReply> answer;
    try {
      answer = route.answerWithoutBlocking(routeRequest(request, body));
    } catch (MalformedRequestException e) {
      answer = CompletableFuture.completedFuture(e.problem().reply());
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    if (answer == null) {
      return false;
    }
    answer.whenComplete(
        (reply, failure) -> {
          Throwable cause = HttpRoute.cause(failure);
          if (cause instanceof RejectedExecutionException) {
            refuseBusy(request, response, callback);
            return;
          }
          if (cause != null) {
            reply = internalError(request, cause);
          }
          writeWithoutBlocking(request, response, callback, reply);
        });
    return true;
  }

  private static RouteRequest routeRequest(Request request, byte[] body) {
    return new RouteRequest(
        request.getMethod(),
        request.getHttpURI().getPath(),
        Optional.ofNullable(request.getHttpURI().getQuery()).orElse(""),
        headers(request),
        body);
  }

  private void answer(
      HttpRoute route, Request request, Response response, Callback callback, byte[] body) {
    HttpReply reply;
    RouteRequest routeRequest = routeRequest(request, body);
    try {
      reply = route.handle(routeRequest);
    } catch (MalformedRequestException e) {
      reply = e.problem().reply();
    } catch (RejectedExecutionException e) {
      refuseBusy(request, response, callback);
      return;
    } catch (RuntimeException e) {
      reply = internalError(request, e);
    }
    write(request, response, callback, reply);
  }

  /** Logs a route's failure, method and path escaped, and answers 500 without its details. */
  private static HttpReply internalError(Request request, Throwable cause) {
    LOG.warn(
        "{} {} failed",
        LogSafe.escape(request.getMethod()),
        LogSafe.escape(request.getHttpURI().getPath()),
        cause);
    return Problem.of(ProblemType.INTERNAL_ERROR, "see the service log").reply();
  }

  private static void head(Response response, HttpReply reply) {
    response.setStatus(reply.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    reply.headers().forEach((name, value) -> response.getHeaders().put(name, value));
  }

  /** Writes a reply held in memory in one non-blocking write, with its Content-Length. */
  private static void writeWithoutBlocking(
      Request request, Response response, Callback callback, HttpReply reply) {
    ByteArrayOutputStream body = new ByteArrayOutputStream(256);
    try {
      reply.body().writeTo(body);
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "{} {} failed while writing its reply",
          LogSafe.escape(request.getMethod()),
          LogSafe.escape(request.getHttpURI().getPath()),
          e);
      reply = Problem.of(ProblemType.INTERNAL_ERROR, "see the service log").reply();
      body.reset();
      try {
        reply.body().writeTo(body);
      } catch (IOException never) {
        throw new UncheckedIOException(never);
      }
    }
    head(response, reply);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.size());
    response.write(true, ByteBuffer.wrap(body.toByteArray()), callback);
  }

  static void write(Request request, Response response, Callback callback, HttpReply reply) {
    head(response, reply);
    // Buffered up to Jetty's output buffer: a small reply goes out with a Content-Length, a
    // streamed one in chunks as it is written.
    try (OutputStream out = Response.asBufferedOutputStream(request, response)) {
      reply.body().writeTo(out);
    } catch (IOException e) {
      LOG.debug("writing a reply failed: {}", e.toString());
      callback.failed(e);
      return;
    } catch (RuntimeException e) {
      // Before the first flush Jetty still answers this with a 500 problem; after it, it aborts.
      LOG.warn(
          "{} {} failed while writing its reply",
          LogSafe.escape(request.getMethod()),
          LogSafe.escape(request.getHttpURI().getPath()),
          e);
      callback.failed(e);
      return;
    }
    callback.succeeded();
  }

  private void bodyFailed(Request request, Response response, Callback callback, Throwable e) {
    Throwable cause = HttpRoute.cause(e);
    if (cause instanceof TimeoutException) {
      refuse(
          request,
          response,
          callback,
          "timeout",
          Problem.of(
              ProblemType.REQUEST_TIMEOUT,
              "the body arrived slower than " + limits.minBodyBytesPerSecond() + " bytes/s"),
          true);
    } else if (cause instanceof HttpException http && http.getCode() == 413
        || cause instanceof IllegalArgumentException) {
      refuse(
          request,
          response,
          callback,
          "too-large",
          Problem.of(ProblemType.CONTENT_TOO_LARGE, tooLarge()),
          true);
    } else if (cause instanceof HttpException http) {
      refuse(
          request,
          response,
          callback,
          "malformed",
          Problem.of(ProblemType.forStatus(http.getCode()), "the body could not be read"),
          true);
    } else {
      LOG.debug("reading a request body failed: {}", cause.toString());
      callback.failed(cause);
    }
  }

  private void refuse(
      Request request,
      Response response,
      Callback callback,
      String reason,
      Problem problem,
      boolean close) {
    refusals.refused(
        reason,
        LogSafe.escape(request.getMethod())
            + " "
            + LogSafe.escape(request.getHttpURI().getPath())
            + ": "
            + problem.detail());
    if (problem.status() == 503) {
      response
          .getHeaders()
          .put(HttpHeader.RETRY_AFTER, String.valueOf(limits.retryAfter().toSeconds()));
    }
    if (close) {
      response.getHeaders().put(new HttpField(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE));
    }
    // Not blocking: this may run on a timer or selector thread, and the client may not read.
    ProblemErrorHandler.write(response, problem, callback);
  }

  /**
   * A declared body over the limit is read and dropped (up to {@link #MAX_DISCARDED_BODY}) before
   * the 413: closing with unread bytes makes the kernel reset the connection, and the client would
   * see the reset instead of the answer.
   */
  private void refuseTooLarge(Request request, Response response, Callback callback, long length) {
    Problem problem = Problem.of(ProblemType.CONTENT_TOO_LARGE, tooLarge());
    if (length > MAX_DISCARDED_BODY) {
      refuse(request, response, callback, "too-large", problem, true);
      return;
    }
    CompletableFuture<Void> drained = new CompletableFuture<>();
    Content.Source.consumeAll(
        request, Callback.from(() -> drained.complete(null), drained::completeExceptionally));
    drained
        .orTimeout(allowedMillis(length), TimeUnit.MILLISECONDS)
        .whenComplete(
            (done, failure) -> refuse(request, response, callback, "too-large", problem, true));
  }

  /** How long a body of {@code length} bytes may take: a second, then the minimum rate. */
  private long allowedMillis(long length) {
    return 1000
        + (limits.minBodyBytesPerSecond() == 0
            ? limits.idleTimeout().toMillis()
            : length * 1000 / limits.minBodyBytesPerSecond());
  }

  private String tooLarge() {
    return "the body is larger than " + limits.maxBodyBytes() + " bytes";
  }

  private static Map<String, List<String>> headers(Request request) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (HttpField field : request.getHeaders()) {
      headers
          .computeIfAbsent(field.getLowerCaseName(), name -> new java.util.ArrayList<>())
          .add(field.getValue());
    }
    return headers;
  }
}
