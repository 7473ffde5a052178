package orderflow.orderservice;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import orderflow.config.LogSafe;
import orderflow.envelope.EventCodec;
import orderflow.observe.ApiRoutes;
import orderflow.observe.Problem;
import orderflow.observe.ProblemType;
import orderflow.store.Database;
import orderflow.store.OutboxEntry;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.Promise;

/**
 * The order API, as docs/openapi.yaml describes it: {@code POST /orders} (201 with {@code
 * Location}; an {@code Idempotency-Key} answers a repeat with the first order, 409 for another
 * body), {@code GET|HEAD /orders/{id}}, {@code GET|HEAD /orders} (one page and {@code nextCursor},
 * at most {@link OrderPage#MAX_LIMIT} orders) and {@code POST /orders/{id}/cancel} (202,
 * idempotent; 404 unknown, 409 ended). Every error is an RFC 9457 problem ({@link ProblemType}).
 *
 * <p>{@code POST /orders} holds no thread: its reply is written when the group commit's future
 * completes. The other routes block their Jetty thread on the database. Thread-safe: reads and
 * cancellations use a connection each; placements share the group commit's transaction.
 */
public final class OrderApi extends ApiRoutes {
  public static final String PATH = "/orders";
  static final int MAX_IDEMPOTENCY_KEY_CHARS = 200;
  private static final String JSON = "application/json";
  private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  private final Database database;
  private final OrderPlacement placement;
  private final OrderCancellation cancellation;
  private final OrderQueries queries = new OrderQueries();
  private final OrderPage page;

  /** {@code POST /orders}'s answer. */
  record Created(String orderId) {}

  /** {@code POST /orders/{id}/cancel}'s answer. */
  record CancellationAnswer(String orderId, String status, String reason) {
    CancellationAnswer(String orderId, String reason) {
      this(orderId, "CANCELLATION_REQUESTED", reason);
    }
  }

  /**
   * @param exchange the orders exchange, as named on the broker, that placed orders go to
   * @param committed takes the outbox entries each request committed (the outbox publisher)
   */
  public OrderApi(
      Database database, String exchange, Clock clock, Consumer<List<OutboxEntry>> committed) {
    this.database = database;
    OrderProjector projector = new OrderProjector(database.dialect(), clock);
    this.placement = new OrderPlacement(database, exchange, clock, projector, committed);
    this.cancellation = new OrderCancellation(database, exchange, clock, projector, committed);
    this.page = new OrderPage(database);
    add(PATH, methods(Map.of("GET", this::list, "HEAD", this::list, "POST", this::place)));
    add(PATH + "/{id}", methods(Map.of("GET", this::show, "HEAD", this::show)));
    add(PATH + "/{id}/cancel", methods(Map.of("POST", this::cancel)));
    addWithoutBlocking("POST", PATH);
  }

  /** One method of a route; writes its answer or throws. */
  @FunctionalInterface
  private interface Route {
    void answer(Request request, Response response, Callback callback) throws Exception;
  }

  private static Handler methods(Map<String, Route> routes) {
    String allowed = String.join(", ", new TreeMap<>(routes).keySet());
    return new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        Route route = routes.get(request.getMethod());
        if (route == null) {
          response.getHeaders().put(HttpHeader.ALLOW, allowed);
          Problem.of(ProblemType.METHOD_NOT_ALLOWED, "allowed here: " + allowed)
              .write(response, callback);
          return true;
        }
        try {
          route.answer(request, response, callback);
        } catch (Exception e) {
          failed(request, response, callback, e);
        }
        return true;
      }
    };
  }

  /**
   * Checked and parsed on the thread that has the body, then handed to the group commit, whose
   * thread writes the answer: no thread waits for the commit.
   */
  private void place(Request request, Response response, Callback callback) {
    if (!isJson(request, response, callback)) {
      return;
    }
    String key = idempotencyKey(request);
    Context trace = Context.current();
    body(request)
        .whenComplete(
            (body, unread) -> {
              if (unread != null) {
                failed(request, response, callback, unread);
                return;
              }
              try (Scope scope = trace.makeCurrent()) {
                placement
                    .placeWithoutWaiting(NewOrder.parse(body), key)
                    .whenComplete(
                        (placed, failure) -> {
                          if (failure != null) {
                            failed(request, response, callback, failure);
                            return;
                          }
                          response
                              .getHeaders()
                              .put(HttpHeader.LOCATION, PATH + "/" + placed.orderId());
                          if (placed.replayed()) {
                            response.getHeaders().put("Idempotent-Replayed", "true");
                          }
                          json(response, callback, 201, new Created(placed.orderId()));
                        });
              } catch (RuntimeException e) {
                failed(request, response, callback, e);
              }
            });
  }

  private void cancel(Request request, Response response, Callback callback) throws Exception {
    String orderId = orderId(request);
    byte[] body = body(request).get();
    if (body.length > 0 && !isJson(request, response, callback)) {
      return;
    }
    String key = idempotencyKey(request);
    String reason = CancelRequest.reason(body);
    OrderCancellation.Result result;
    try {
      result = cancellation.cancel(orderId, reason, key);
    } catch (IllegalArgumentException e) {
      // OrderCancelled's own check: its message begins with the field it names.
      throw new InvalidRequestException(e.getMessage().split(" ", 2)[0], e.getMessage());
    }
    switch (result.answer()) {
      case REQUESTED ->
          json(response, callback, 202, new CancellationAnswer(orderId, result.reason()));
      case ALREADY_REQUESTED -> {
        response.getHeaders().put("Idempotent-Replayed", "true");
        json(response, callback, 202, new CancellationAnswer(orderId, result.reason()));
      }
      case UNKNOWN_ORDER -> unknown(orderId).write(response, callback);
      case ALREADY_ENDED ->
          Problem.of(
                  ProblemType.ORDER_ENDED,
                  "order '"
                      + LogSafe.escape(orderId)
                      + "' has already ended: "
                      + result.ended().orElseThrow())
              .write(response, callback);
    }
  }

  private void show(Request request, Response response, Callback callback) throws SQLException {
    String orderId = orderId(request);
    Optional<OrderDetails> details;
    try (Connection connection = database.openReadOnly()) {
      details = queries.details(connection, orderId);
    }
    if (details.isPresent()) {
      json(response, callback, 200, details.get().toJson());
    } else {
      unknown(orderId).write(response, callback);
    }
  }

  /** Streamed from the read model as it is read: a page is never collected in memory. */
  private void list(Request request, Response response, Callback callback) throws Exception {
    OrderFilter filter = filter(request);
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    try (OutputStream out = Response.asBufferedOutputStream(request, response)) {
      page.write(filter, out);
    }
    callback.succeeded();
  }

  private static OrderFilter filter(Request request) {
    Fields parameters;
    try {
      parameters = Request.extractQueryParameters(request);
    } catch (RuntimeException e) {
      throw new InvalidRequestException("uri", "uri: the query is not well-formed");
    }
    for (Fields.Field parameter : parameters) {
      String name = LogSafe.escape(parameter.getName());
      if (parameter.getValues().size() > 1) {
        throw new InvalidRequestException(name, name + ": given more than once");
      }
      if (!clean(parameter.getName()) || !clean(parameter.getValue())) {
        throw new InvalidRequestException(
            name, name + ": control characters and bytes that are not UTF-8 are not allowed");
      }
    }
    OrderStatus status = null;
    if (parameters.get("status") != null) {
      try {
        status = OrderStatus.parse(parameters.getValue("status"));
      } catch (IllegalArgumentException e) {
        throw new InvalidRequestException("status", "status: " + LogSafe.escape(e.getMessage()));
      }
    }
    Instant since = parameters.get("since") == null ? null : instant(parameters.getValue("since"));
    int limit = OrderFilter.DEFAULT_LIMIT;
    if (parameters.get("limit") != null) {
      try {
        limit = Integer.parseInt(parameters.getValue("limit"));
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > OrderPage.MAX_LIMIT) {
        throw new InvalidRequestException(
            "limit", "limit: must be an integer from 1 to " + OrderPage.MAX_LIMIT);
      }
    }
    String cursor = parameters.getValue("cursor");
    String customer = parameters.getValue("customerId");
    return new OrderFilter(
        customer == null || customer.isEmpty() ? null : customer,
        status,
        since,
        limit,
        cursor == null ? null : OrderCursor.decode(cursor));
  }

  private static boolean clean(String text) {
    return text.chars().noneMatch(c -> Character.isISOControl(c) || c == '\uFFFD');
  }

  private static Instant instant(String text) {
    Instant since;
    try {
      since = Instant.parse(text);
    } catch (DateTimeParseException e) {
      since = null;
    }
    if (since == null || since.isBefore(EARLIEST) || since.isAfter(LATEST)) {
      throw new InvalidRequestException(
          "since",
          "since: must be an ISO-8601 instant from 1970 to 9999, such as 2026-01-31T10:00:00Z");
    }
    return since;
  }

  /** The decoded {@code {id}} of {@code /orders/{id}} or {@code /orders/{id}/cancel}. */
  private static String orderId(Request request) {
    String id = Request.getPathInContext(request).split("/")[2];
    if (!clean(id)) {
      throw new InvalidRequestException("orderId", "orderId: control characters are not allowed");
    }
    return id;
  }

  /** The whole body, at most the server's limit. */
  private static CompletableFuture<byte[]> body(Request request) {
    CompletableFuture<byte[]> body = new CompletableFuture<>();
    Content.Source.asByteArrayAsync(request, -1, Promise.Invocable.toPromise(body));
    return body;
  }

  /** Answers 415 and returns false unless the body is JSON. */
  private static boolean isJson(Request request, Response response, Callback callback) {
    String type =
        Optional.ofNullable(request.getHeaders().get(HttpHeader.CONTENT_TYPE))
            .orElse("")
            .split(";", 2)[0]
            .trim()
            .toLowerCase(Locale.ROOT);
    if (type.equals(JSON) || (type.startsWith("application/") && type.endsWith("+json"))) {
      return true;
    }
    response.getHeaders().put("Accept-Post", JSON);
    Problem.of(
            ProblemType.UNSUPPORTED_MEDIA_TYPE,
            "Content-Type must be application/json, was '" + LogSafe.escape(type) + "'")
        .write(response, callback);
    return false;
  }

  /** The key, or null when the request has none. */
  private static String idempotencyKey(Request request) {
    List<String> keys = request.getHeaders().getValuesList("Idempotency-Key");
    if (keys.isEmpty()) {
      return null;
    }
    String key = keys.get(0);
    if (keys.size() > 1
        || key.isEmpty()
        || key.length() > MAX_IDEMPOTENCY_KEY_CHARS
        || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new InvalidRequestException(
          "Idempotency-Key",
          "Idempotency-Key: once, 1 to "
              + MAX_IDEMPOTENCY_KEY_CHARS
              + " printable ASCII characters without spaces");
    }
    return key;
  }

  /**
   * Answers a failure: a client's error as its problem, a full group commit 503, a body that could
   * not be read as the HTTP layer's refusal, anything else 500 (logged once by the error handler).
   */
  private static void failed(Request request, Response response, Callback callback, Throwable e) {
    Throwable cause =
        (e instanceof CompletionException || e instanceof ExecutionException)
                && e.getCause() != null
            ? e.getCause()
            : e;
    if (cause instanceof InvalidRequestException invalid) {
      Problem.invalid(invalid.field(), invalid.getMessage()).write(response, callback);
    } else if (cause instanceof IdempotencyKeys.KeyReusedException reused) {
      Problem.of(ProblemType.IDEMPOTENCY_KEY_REUSED, reused.getMessage()).write(response, callback);
    } else if (cause instanceof RejectedExecutionException) {
      Response.writeError(request, response, callback, 503);
    } else if (response.isCommitted()) {
      callback.failed(cause);
    } else {
      Response.writeError(request, response, callback, cause);
    }
  }

  private static Problem unknown(String orderId) {
    return Problem.of(ProblemType.NOT_FOUND, "no order '" + LogSafe.escape(orderId) + "'");
  }

  private static void json(Response response, Callback callback, int status, Object body) {
    byte[] bytes;
    try {
      bytes = EventCodec.mapper().writeValueAsBytes(body);
    } catch (java.io.IOException e) {
      callback.failed(e);
      return;
    }
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(bytes), callback);
  }
}
