package orderflow.orderservice;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import orderflow.config.LogSafe;
import orderflow.envelope.EventCodec;
import orderflow.observe.HttpReply;
import orderflow.observe.HttpRoute;
import orderflow.observe.PercentDecoding;
import orderflow.observe.Problem;
import orderflow.observe.ProblemType;
import orderflow.observe.RouteRequest;
import orderflow.store.Database;
import orderflow.store.OutboxEntry;

/**
 * The order API (docs/openapi.yaml), served beside {@code /health/*} and {@code /metrics}:
 *
 * <ul>
 *   <li>{@code POST /orders} (JSON {@code customerId}, {@code items[{productId, quantity, price}]},
 *       optional {@code Idempotency-Key} header): 201 {@code {"orderId":..}} with a {@code
 *       Location}; the same key with the same body again answers the same order, and writes and
 *       publishes nothing; with another body, 409.
 *   <li>{@code GET /orders/{id}}: the {@code orders show --json} object, or 404.
 *   <li>{@code GET /orders?customerId=..&status=..&since=..&limit=..&cursor=..}: one page, {@code
 *       {"orders":[..],"nextCursor":..}}, at most {@link OrderPage#MAX_LIMIT} orders.
 *   <li>{@code POST /orders/{id}/cancel} (optional JSON {@code {"reason":..}}, optional {@code
 *       Idempotency-Key}): 202 {@code {"orderId":..,"status":"CANCELLATION_REQUESTED","reason":..}}
 *       once its {@code OrderCancelled} is in the outbox, or with the first cancellation when one
 *       was already asked for (nothing written); 404 for an unknown order; 409 for one that has
 *       already ended.
 * </ul>
 *
 * Every error is an RFC 9457 problem ({@link ProblemType}).
 *
 * <p>Thread-safe: every request uses its own connection.
 */
public final class OrderApi implements HttpRoute {
  public static final String PATH = "/orders";
  static final int MAX_IDEMPOTENCY_KEY_CHARS = 200;
  private static final String JSON = "application/json";
  private static final String CANCEL_SUFFIX = "/cancel";
  private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  private final Database database;
  private final OrderPlacement placement;
  private final OrderCancellation cancellation;
  private final OrderQueries queries = new OrderQueries();
  private final OrderPage page;

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
  }

  @Override
  public boolean matches(String path) {
    return path.equals(PATH) || path.startsWith(PATH + "/");
  }

  @Override
  public String template(String path) {
    if (path.equals(PATH)) {
      return PATH;
    }
    return path.endsWith(CANCEL_SUFFIX) ? PATH + "/{id}" + CANCEL_SUFFIX : PATH + "/{id}";
  }

  @Override
  public HttpReply handle(RouteRequest request) {
    try {
      if (request.path().equals(PATH)) {
        return switch (request.method()) {
          case "POST" -> create(request);
          case "GET" -> list(request);
          default -> notAllowed("GET, POST");
        };
      }
      String rest = request.path().substring(PATH.length() + 1);
      boolean cancel = rest.endsWith(CANCEL_SUFFIX);
      String rawId = cancel ? rest.substring(0, rest.length() - CANCEL_SUFFIX.length()) : rest;
      if (rawId.isEmpty() || rawId.contains("/")) {
        return Problem.of(ProblemType.NOT_FOUND, "no resource at " + LogSafe.escape(request.path()))
            .reply();
      }
      String orderId = PercentDecoding.decode(rawId, false);
      if (cancel) {
        return request.method().equals("POST") ? cancel(orderId, request) : notAllowed("POST");
      }
      return request.method().equals("GET") ? show(orderId) : notAllowed("GET");
    } catch (InvalidRequestException e) {
      return Problem.invalid(e.field(), e.getMessage()).reply();
    } catch (IdempotencyKeys.KeyReusedException e) {
      return Problem.of(ProblemType.IDEMPOTENCY_KEY_REUSED, e.getMessage()).reply();
    } catch (SQLException e) {
      throw new IllegalStateException("order database failed: " + e.getMessage(), e);
    }
  }

  /**
   * {@code POST /orders} is checked here, on the thread that read it, and handed to the group
   * commit, whose thread answers: no API thread waits for the commit. Everything else: null.
   */
  @Override
  public CompletionStage<HttpReply> answerWithoutBlocking(RouteRequest request) {
    if (!request.path().equals(PATH) || !request.method().equals("POST")) {
      return null;
    }
    try {
      Optional<HttpReply> unsupported = requireJson(request, false);
      if (unsupported.isPresent()) {
        return CompletableFuture.completedFuture(unsupported.get());
      }
      String key = idempotencyKey(request).orElse(null);
      NewOrder order = NewOrder.parse(request.body());
      return placement
          .placeWithoutWaiting(order, key)
          .handle(
              (placed, failure) -> {
                if (failure == null) {
                  return created(placed);
                }
                Throwable cause = HttpRoute.cause(failure);
                if (cause instanceof IdempotencyKeys.KeyReusedException reused) {
                  return Problem.of(ProblemType.IDEMPOTENCY_KEY_REUSED, reused.getMessage())
                      .reply();
                }
                throw cause instanceof RuntimeException runtime
                    ? runtime
                    : new IllegalStateException("order database failed: " + cause, cause);
              });
    } catch (InvalidRequestException e) {
      return CompletableFuture.completedFuture(Problem.invalid(e.field(), e.getMessage()).reply());
    }
  }

  private HttpReply create(RouteRequest request) throws SQLException {
    Optional<HttpReply> unsupported = requireJson(request, false);
    if (unsupported.isPresent()) {
      return unsupported.get();
    }
    String key = idempotencyKey(request).orElse(null);
    NewOrder order = NewOrder.parse(request.body());
    return created(placement.place(order, key));
  }

  private static HttpReply created(OrderPlacement.Placed placed) {
    HttpReply reply =
        reply(201, Map.of("orderId", placed.orderId()))
            .withHeader("Location", PATH + "/" + placed.orderId());
    return placed.replayed() ? reply.withHeader("Idempotent-Replayed", "true") : reply;
  }

  private HttpReply cancel(String orderId, RouteRequest request) throws SQLException {
    Optional<HttpReply> unsupported = requireJson(request, true);
    if (unsupported.isPresent()) {
      return unsupported.get();
    }
    String key = idempotencyKey(request).orElse(null);
    String reason = CancelRequest.reason(request.body());
    OrderCancellation.Result result;
    try {
      result = cancellation.cancel(orderId, reason, key);
    } catch (IllegalArgumentException e) {
      // OrderCancelled's own check: its message begins with the field it names.
      String field = e.getMessage().split(" ", 2)[0];
      throw new InvalidRequestException(field, e.getMessage());
    }
    return switch (result.answer()) {
      case REQUESTED -> accepted(orderId, result.reason());
      case ALREADY_REQUESTED ->
          accepted(orderId, result.reason()).withHeader("Idempotent-Replayed", "true");
      case UNKNOWN_ORDER -> unknown(orderId);
      case ALREADY_ENDED ->
          Problem.of(
                  ProblemType.ORDER_ENDED,
                  "order '"
                      + LogSafe.escape(orderId)
                      + "' has already ended: "
                      + result.ended().orElseThrow())
              .reply();
    };
  }

  private static HttpReply accepted(String orderId, String reason) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("orderId", orderId);
    body.put("status", "CANCELLATION_REQUESTED");
    body.put("reason", reason);
    return reply(202, body);
  }

  private HttpReply show(String orderId) throws SQLException {
    Optional<OrderDetails> details;
    try (Connection connection = database.openReadOnly()) {
      details = queries.details(connection, orderId);
    }
    return details.map(d -> reply(200, d.toJson())).orElseGet(() -> unknown(orderId));
  }

  private HttpReply list(RouteRequest request) {
    OrderFilter filter = filter(request);
    return HttpReply.streamed(200, JSON, out -> page.write(filter, out));
  }

  private static OrderFilter filter(RouteRequest request) {
    Map<String, String> parameters = request.queryParameters();
    OrderStatus status = null;
    if (parameters.containsKey("status")) {
      try {
        status = OrderStatus.parse(parameters.get("status"));
      } catch (IllegalArgumentException e) {
        throw new InvalidRequestException("status", "status: " + LogSafe.escape(e.getMessage()));
      }
    }
    Instant since = null;
    if (parameters.containsKey("since")) {
      since = instant(parameters.get("since"));
    }
    int limit = OrderFilter.DEFAULT_LIMIT;
    if (parameters.containsKey("limit")) {
      try {
        limit = Integer.parseInt(parameters.get("limit"));
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > OrderPage.MAX_LIMIT) {
        throw new InvalidRequestException(
            "limit", "limit: must be an integer from 1 to " + OrderPage.MAX_LIMIT);
      }
    }
    OrderCursor after =
        parameters.containsKey("cursor") ? OrderCursor.decode(parameters.get("cursor")) : null;
    String customer = parameters.get("customerId");
    return new OrderFilter(
        customer == null || customer.isEmpty() ? null : customer, status, since, limit, after);
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

  /** A 415 unless the body is JSON; an empty body passes when {@code emptyAllowed}. */
  private static Optional<HttpReply> requireJson(RouteRequest request, boolean emptyAllowed) {
    if (emptyAllowed && request.body().length == 0) {
      return Optional.empty();
    }
    String type =
        request.header("Content-Type").orElse("").split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (type.equals(JSON) || (type.startsWith("application/") && type.endsWith("+json"))) {
      return Optional.empty();
    }
    return Optional.of(
        Problem.of(
                ProblemType.UNSUPPORTED_MEDIA_TYPE,
                "Content-Type must be application/json, was '" + LogSafe.escape(type) + "'")
            .reply()
            .withHeader("Accept-Post", JSON));
  }

  private static Optional<String> idempotencyKey(RouteRequest request) {
    Optional<String> key = request.header("Idempotency-Key");
    if (key.isPresent()) {
      String value = key.get();
      boolean printableAscii = value.chars().allMatch(c -> c > 0x20 && c < 0x7f);
      if (value.isEmpty() || value.length() > MAX_IDEMPOTENCY_KEY_CHARS || !printableAscii) {
        throw new InvalidRequestException(
            "Idempotency-Key",
            "Idempotency-Key: 1 to "
                + MAX_IDEMPOTENCY_KEY_CHARS
                + " printable ASCII characters without spaces");
      }
    }
    return key;
  }

  private static HttpReply unknown(String orderId) {
    return Problem.of(ProblemType.NOT_FOUND, "no order '" + LogSafe.escape(orderId) + "'").reply();
  }

  private static HttpReply notAllowed(String allowed) {
    return Problem.of(ProblemType.METHOD_NOT_ALLOWED, "allowed here: " + allowed)
        .reply()
        .withHeader("Allow", allowed);
  }

  private static HttpReply reply(int status, Object body) {
    try {
      return HttpReply.of(status, JSON, EventCodec.mapper().writeValueAsString(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}
