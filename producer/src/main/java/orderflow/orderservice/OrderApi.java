package orderflow.orderservice;

import com.fasterxml.jackson.core.JsonGenerator;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
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
import java.util.function.Function;
import java.util.function.Predicate;
import orderflow.config.LogSafe;
import orderflow.envelope.EventCodec;
import orderflow.observe.ApiRoutes;
import orderflow.observe.Problem;
import orderflow.observe.ProblemType;
import orderflow.orderservice.auth.ApiAccess;
import orderflow.orderservice.auth.Caller;
import orderflow.orderservice.auth.TokenVerifier;
import orderflow.privacy.AddressCipher;
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
 * The order API of docs/openapi.yaml; every error is an RFC 9457 problem. Each method declares the
 * scope it needs; a customer sees only its own orders (another's is a 404, like an unknown one) and
 * its own {@code Idempotency-Key}s, an admin every order. {@code POST /orders} holds no thread
 * while its group commit runs. Thread-safe.
 */
public final class OrderApi extends ApiRoutes {
  public static final String PATH = "/orders";
  static final String ERASE_PATH = "/customers/{customerId}/personal-data";
  static final int MAX_IDEMPOTENCY_KEY_CHARS = 200;
  private static final String JSON = "application/json";
  private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
  static final int MAX_LIMIT = 500;
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  private final Database database;
  private final OrderPlacement placement;
  private final OrderCancellation cancellation;
  private final OrderReadModel readModel = new OrderReadModel();
  private final PersonalData personalData;
  private final TokenVerifier verifier;

  record Created(String orderId) {}

  record CancellationAnswer(String orderId, String status, String reason) {
    CancellationAnswer(String orderId, String reason) {
      this(orderId, "CANCELLATION_REQUESTED", reason);
    }
  }

  /** {@code committed} takes the outbox entries each request committed (the outbox publisher). */
  public OrderApi(
      Database database,
      String exchange,
      Clock clock,
      Consumer<List<OutboxEntry>> committed,
      TokenVerifier verifier) {
    this.database = database;
    this.verifier = verifier;
    OrderProjector projector = new OrderProjector(database.dialect(), clock);
    AddressCipher cipher = AddressCipher.fromEnvironment();
    this.placement = new OrderPlacement(database, exchange, clock, projector, committed, cipher);
    this.cancellation = new OrderCancellation(database, exchange, clock, projector, committed);
    this.personalData = new PersonalData(database, exchange, cipher, clock, committed);
    Method list = new Method(Caller.READ, this::list);
    Method show = new Method(Caller.READ, this::show);
    add(
        PATH,
        methods(Map.of("GET", list, "HEAD", list, "POST", new Method(Caller.WRITE, this::place))));
    add(PATH + "/{id}", methods(Map.of("GET", show, "HEAD", show)));
    add(PATH + "/{id}/cancel", methods(Map.of("POST", new Method(Caller.WRITE, this::cancel))));
    add(ERASE_PATH, methods(Map.of("DELETE", new Method(Caller.ADMIN, this::erase))));
    addWithoutBlocking("POST", PATH);
  }

  @Override
  public Handler front(Handler limits, MeterRegistry registry) {
    return new ApiAccess(limits, verifier, registry);
  }

  @Override
  public Map<String, String> readiness() {
    return Map.of("auth", verifier.on() ? "ok" : "ok: off (--auth none), every caller is an admin");
  }

  private static Caller caller(Request request) {
    return (Caller) request.getAttribute(ApiAccess.CALLER);
  }

  @FunctionalInterface
  private interface Route {
    void answer(Request request, Response response, Callback callback) throws Exception;
  }

  private record Method(String scope, Route route) {}

  private static Handler methods(Map<String, Method> methods) {
    String allowed = String.join(", ", new TreeMap<>(methods).keySet());
    return new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        Method method = methods.get(request.getMethod());
        if (method == null) {
          response.getHeaders().put(HttpHeader.ALLOW, allowed);
          Problem.of(ProblemType.METHOD_NOT_ALLOWED, "allowed here: " + allowed)
              .write(response, callback);
          return true;
        }
        if (!caller(request).may(method.scope())) {
          ApiAccess.forbid(response, callback, method.scope());
          return true;
        }
        try {
          method.route().answer(request, response, callback);
        } catch (Exception e) {
          failed(request, response, callback, e);
        }
        return true;
      }
    };
  }

  /** Parsed on the thread that has the body; answered without blocking by the commit's thread. */
  private void place(Request request, Response response, Callback callback) {
    if (!isJson(request, response, callback)) {
      return;
    }
    Caller caller = caller(request);
    String key = idempotencyKey(request, caller);
    Context trace = Context.current();
    body(request)
        .whenComplete(
            (body, unread) -> {
              if (unread != null) {
                failed(request, response, callback, unread);
                return;
              }
              try (Scope scope = trace.makeCurrent()) {
                NewOrder order = NewOrder.parse(body);
                if (!caller.owns(order.customerId())) {
                  Problem.of(ProblemType.FORBIDDEN, "customerId: not the caller's")
                      .write(response, callback);
                  return;
                }
                placement
                    .placeWithoutWaiting(order, key)
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
    String key = idempotencyKey(request, caller(request));
    String reason = CancelRequest.reason(body);
    if (!caller(request).admin() && !owned(request, orderId)) {
      unknown(orderId).write(response, callback);
      return;
    }
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

  private boolean owned(Request request, String orderId) throws SQLException {
    try (Connection connection = database.openReadOnly()) {
      Optional<OrderState> order = readModel.find(connection, orderId);
      return order.isPresent() && caller(request).owns(order.get().customerId());
    }
  }

  private void show(Request request, Response response, Callback callback) throws SQLException {
    String orderId = orderId(request);
    Optional<OrderDetails> details = personalData.show(orderId);
    if (details.isPresent() && caller(request).owns(details.get().state().customerId())) {
      json(response, callback, 200, details.get().toJson());
    } else {
      unknown(orderId).write(response, callback);
    }
  }

  private void erase(Request request, Response response, Callback callback) throws SQLException {
    String customerId = orderId(request);
    PersonalData.Erased erased;
    try {
      erased = personalData.erase(customerId);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException("customerId", "customerId: " + e.getMessage());
    }
    json(
        response,
        callback,
        200,
        Map.of("customerId", erased.customerId(), "erasedAt", erased.erasedAt().toString()));
  }

  /**
   * One page, {@code {"orders":[...],"nextCursor":..}}, streamed as read; {@code nextCursor} is
   * null on the last page. A customer's list is its own whatever {@code customerId} it asks for.
   */
  private void list(Request request, Response response, Callback callback) throws Exception {
    OrderFilter filter = filter(request, caller(request));
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    // One row more than the page tells whether another page follows.
    OrderFilter probe =
        new OrderFilter(
            filter.customerId(),
            filter.status(),
            filter.since(),
            filter.limit() + 1,
            filter.after());
    int[] written = {0};
    OrderState[] last = {null};
    boolean[] more = {false};
    try (Connection connection = database.openReadOnly();
        JsonGenerator json =
            EventCodec.mapper()
                .getFactory()
                .createGenerator(Response.asBufferedOutputStream(request, response))) {
      json.writeStartObject();
      json.writeArrayFieldStart("orders");
      readModel.forEach(
          connection,
          probe,
          order -> {
            if (written[0] == filter.limit()) {
              more[0] = true;
              return;
            }
            try {
              json.writeObject(OrderDetails.summaryJson(order));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
            written[0]++;
            last[0] = order;
          });
      json.writeEndArray();
      json.writeStringField(
          "nextCursor", more[0] ? OrderFilter.Cursor.after(last[0]).encode() : null);
      json.writeEndObject();
    }
    callback.succeeded();
  }

  private static OrderFilter filter(Request request, Caller caller) {
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
    String customer = caller.admin() ? parameters.getValue("customerId") : caller.customerId();
    return new OrderFilter(
        customer == null || customer.isEmpty() ? null : customer,
        parameter(parameters, "status", null, OrderStatus::parse, status -> true, null),
        parameter(
            parameters,
            "since",
            null,
            Instant::parse,
            since -> !since.isBefore(EARLIEST) && !since.isAfter(LATEST),
            "must be an ISO-8601 instant from 1970 to 9999, such as 2026-01-31T10:00:00Z"),
        parameter(
            parameters,
            "limit",
            OrderFilter.DEFAULT_LIMIT,
            Integer::valueOf,
            limit -> limit >= 1 && limit <= MAX_LIMIT,
            "must be an integer from 1 to " + MAX_LIMIT),
        parameter(
            parameters,
            "cursor",
            null,
            OrderFilter.Cursor::decode,
            cursor -> true,
            "not a cursor this API gave (pass nextCursor as it was)"));
  }

  /**
   * The query parameter {@code name} parsed, or {@code absent} when not given; a 400 saying {@code
   * rule} (null: the parser's message) when it does not parse or is not {@code valid}.
   */
  private static <T> T parameter(
      Fields parameters,
      String name,
      T absent,
      Function<String, T> parse,
      Predicate<T> valid,
      String rule) {
    String text = parameters.getValue(name);
    if (text == null) {
      return absent;
    }
    try {
      T value = parse.apply(text);
      if (valid.test(value)) {
        return value;
      }
    } catch (RuntimeException e) {
      if (rule == null) {
        rule = LogSafe.escape(e.getMessage());
      }
    }
    throw new InvalidRequestException(name, name + ": " + rule);
  }

  private static boolean clean(String text) {
    return text.chars().noneMatch(c -> Character.isISOControl(c) || c == '\uFFFD');
  }

  /** The decoded second path segment: {@code {id}} or {@code {customerId}}. */
  private static String orderId(Request request) {
    String id = Request.getPathInContext(request).split("/")[2];
    if (!clean(id)) {
      throw new InvalidRequestException("orderId", "orderId: control characters are not allowed");
    }
    return id;
  }

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

  /** The key made the caller's own (a digest, so it fits where a key did), or null if none. */
  private static String idempotencyKey(Request request, Caller caller) {
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
    return caller.customerId() == null
        ? key
        : "caller:" + IdempotencyKeys.fingerprint(caller.customerId() + "\n" + key);
  }

  /** A client's error as its problem, a full group commit 503, anything else as Jetty's. */
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
