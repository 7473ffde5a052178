package orderflow.orders;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import orderflow.config.LogSafe;
import orderflow.envelope.EventCodec;
import orderflow.observe.HttpReply;
import orderflow.observe.HttpRoute;
import orderflow.observe.RouteRequest;
import orderflow.store.Database;
import orderflow.store.OutboxEntry;

/**
 * The order API, served beside {@code /health/*} and {@code /metrics}:
 *
 * <ul>
 *   <li>{@code POST /orders} (JSON {@code customerId}, {@code items[{productId, quantity, price}]},
 *       optional {@code Idempotency-Key} header): 201 {@code {"orderId":..}} with a {@code
 *       Location}; the same key with the same body again answers the same order, and writes and
 *       publishes nothing; with another body, 409.
 *   <li>{@code GET /orders/{id}}: the {@code orders show --json} object, or 404.
 *   <li>{@code GET /orders?customerId=..&status=..&since=..&limit=..}: the {@code orders list
 *       --json} array.
 *   <li>{@code POST /orders/{id}/cancel} (optional JSON {@code {"reason":..}}): 202 {@code
 *       {"orderId":..,"status":"CANCELLATION_REQUESTED"}} once its {@code OrderCancelled} is in the
 *       outbox; 404 for an unknown order; 409 for one that has already ended.
 * </ul>
 *
 * Errors are JSON {@code {"error":..}} (with {@code "field"} on a 400): 400 for a bad body,
 * parameter or header, 404 for an unknown order, 413 for a body over {@link
 * RouteRequest#MAX_BODY_BYTES}, 405 for another method.
 *
 * <p>Thread-safe: every request uses its own connection.
 */
public final class OrderApi implements HttpRoute {
  public static final String PATH = "/orders";
  static final int MAX_IDEMPOTENCY_KEY_CHARS = 200;
  private static final String JSON = "application/json";
  private static final String CANCEL_SUFFIX = "/cancel";

  private final Database database;
  private final OrderPlacement placement;
  private final OrderCancellation cancellation;
  private final OrderQueries queries = new OrderQueries();

  /**
   * @param exchange the orders exchange, as named on the broker, that placed orders go to
   * @param committed takes the outbox entries each request committed (the outbox publisher)
   */
  public OrderApi(
      Database database, String exchange, Clock clock, Consumer<List<OutboxEntry>> committed) {
    this.database = database;
    OrderProjector projector = new OrderProjector(database.dialect(), clock);
    this.placement = new OrderPlacement(database, exchange, clock, projector, committed);
    this.cancellation = new OrderCancellation(database, exchange, projector, committed);
  }

  @Override
  public boolean matches(String path) {
    return path.equals(PATH) || path.startsWith(PATH + "/");
  }

  @Override
  public HttpReply handle(RouteRequest request) {
    try {
      if (request.path().equals(PATH)) {
        return switch (request.method()) {
          case "POST" -> create(request);
          case "GET" -> list(request);
          default -> error(405, "method not allowed").withHeader("Allow", "GET, POST");
        };
      }
      String rest = request.path().substring(PATH.length() + 1);
      if (rest.endsWith(CANCEL_SUFFIX)) {
        String cancelled =
            URLDecoder.decode(
                rest.substring(0, rest.length() - CANCEL_SUFFIX.length()), StandardCharsets.UTF_8);
        if (cancelled.isEmpty() || cancelled.contains("/")) {
          return error(404, "not found: " + LogSafe.escape(request.path()));
        }
        if (!request.method().equals("POST")) {
          return error(405, "method not allowed").withHeader("Allow", "POST");
        }
        return cancel(cancelled, request);
      }
      String orderId = URLDecoder.decode(rest, StandardCharsets.UTF_8);
      if (orderId.isEmpty() || orderId.contains("/")) {
        return error(404, "not found: " + LogSafe.escape(request.path()));
      }
      if (!request.method().equals("GET")) {
        return error(405, "method not allowed").withHeader("Allow", "GET");
      }
      return show(orderId);
    } catch (InvalidRequestException e) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("error", e.getMessage());
      body.put("field", e.field());
      return reply(400, body);
    } catch (OrderPlacement.KeyReusedException e) {
      return error(409, e.getMessage());
    } catch (SQLException e) {
      throw new IllegalStateException("order database failed: " + e.getMessage(), e);
    }
  }

  private HttpReply create(RouteRequest request) throws SQLException {
    if (request.bodyTooLarge()) {
      return error(
          413,
          "body: larger than "
              + RouteRequest.MAX_BODY_BYTES
              + " bytes, was "
              + request.contentLength());
    }
    String key = idempotencyKey(request).orElse(null);
    NewOrder order = NewOrder.parse(request.body());
    OrderPlacement.Placed placed = placement.place(order, key);
    HttpReply reply =
        reply(201, Map.of("orderId", placed.orderId()))
            .withHeader("Location", PATH + "/" + placed.orderId());
    return placed.replayed() ? reply.withHeader("Idempotent-Replayed", "true") : reply;
  }

  private HttpReply cancel(String orderId, RouteRequest request) throws SQLException {
    if (request.bodyTooLarge()) {
      return error(413, "body: larger than " + RouteRequest.MAX_BODY_BYTES + " bytes");
    }
    String reason = CancelRequest.reason(request.body());
    OrderCancellation.Result result;
    try {
      result = cancellation.cancel(orderId, reason);
    } catch (IllegalArgumentException e) {
      // OrderCancelled's own check: its message begins with the field it names.
      String field = e.getMessage().split(" ", 2)[0];
      throw new InvalidRequestException(field, e.getMessage());
    }
    return switch (result.answer()) {
      case REQUESTED -> reply(202, Map.of("orderId", orderId, "status", "CANCELLATION_REQUESTED"));
      case UNKNOWN_ORDER -> error(404, "no order '" + LogSafe.escape(orderId) + "'");
      case ALREADY_ENDED ->
          error(
              409,
              "order '"
                  + LogSafe.escape(orderId)
                  + "' has already ended: "
                  + result.ended().orElseThrow());
    };
  }

  private HttpReply show(String orderId) throws SQLException {
    Optional<OrderDetails> details;
    try (Connection connection = database.openReadOnly()) {
      details = queries.details(connection, orderId);
    }
    return details
        .map(d -> reply(200, d.toJson()))
        .orElseGet(() -> error(404, "no order '" + LogSafe.escape(orderId) + "'"));
  }

  private HttpReply list(RouteRequest request) throws SQLException {
    OrderFilter filter = filter(request);
    try (Connection connection = database.openReadOnly()) {
      return reply(
          200, queries.list(connection, filter).stream().map(OrderDetails::summaryJson).toList());
    }
  }

  private static OrderFilter filter(RouteRequest request) {
    Map<String, String> parameters;
    try {
      parameters = request.queryParameters();
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException("query", "query: malformed percent-encoding");
    }
    OrderStatus status = null;
    if (parameters.containsKey("status")) {
      try {
        status = OrderStatus.parse(parameters.get("status"));
      } catch (IllegalArgumentException e) {
        throw new InvalidRequestException("status", "status: " + e.getMessage());
      }
    }
    Instant since = null;
    if (parameters.containsKey("since")) {
      try {
        since = Instant.parse(parameters.get("since"));
      } catch (DateTimeParseException e) {
        throw new InvalidRequestException(
            "since", "since: must be an ISO-8601 instant such as 2026-01-31T10:00:00Z");
      }
    }
    int limit = OrderFilter.DEFAULT_LIMIT;
    if (parameters.containsKey("limit")) {
      try {
        limit = Integer.parseInt(parameters.get("limit"));
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 0) {
        throw new InvalidRequestException("limit", "limit: must be a non-negative integer");
      }
    }
    String customer = parameters.get("customerId");
    return new OrderFilter(
        customer == null || customer.isEmpty() ? null : customer, status, since, limit);
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

  private static HttpReply error(int status, String message) {
    return reply(status, Map.of("error", message));
  }

  private static HttpReply reply(int status, Object body) {
    try {
      return HttpReply.of(status, JSON, EventCodec.mapper().writeValueAsString(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}
