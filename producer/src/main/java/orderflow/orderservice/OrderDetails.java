package orderflow.orderservice;

import com.fasterxml.jackson.core.type.TypeReference;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.ShippingAddress;
import orderflow.privacy.AddressCipher;

/**
 * An order's state and its events in causal order, each with its hop latency (its timestamp minus
 * that of the event that caused it). The JSON shapes of {@code orders show --json} and {@code GET
 * /orders/{id}} ({@link #toJson}) and of one element of {@code orders list --json} and {@code GET
 * /orders} ({@link #summaryJson}) are made here only, so the CLI and the API never drift apart.
 * Immutable.
 *
 * @param shippingAddress in clear, shown to the order's owner and admins only; null when not asked
 *     for ({@link #withAddress}) or the order has none
 * @param erased true when the customer's personal data was erased: the address has its country only
 */
public record OrderDetails(
    OrderState state, List<EventLine> events, ShippingAddress shippingAddress, boolean erased) {
  public OrderDetails {
    events = List.copyOf(events);
  }

  /** Without the address: as anyone who may see the order but not its owner's data sees it. */
  public OrderDetails(OrderState state, List<EventLine> events) {
    this(state, events, null, false);
  }

  /**
   * As the order's owner or an admin sees it: with the address of its {@code OrderCreated} in
   * clear, or only its country when the customer's data was erased.
   */
  public OrderDetails withAddress(Connection connection, AddressCipher cipher) throws SQLException {
    for (EventLine line : events) {
      if (line.event().payload() instanceof OrderCreated order && order.shippingAddress() != null) {
        Optional<ShippingAddress> clear = cipher.open(connection, order);
        return new OrderDetails(
            state,
            events,
            clear.orElse(ShippingAddress.country(order.shippingAddress().country())),
            clear.isEmpty());
      }
    }
    return this;
  }

  /**
   * One event of the order as shown.
   *
   * @param hopLatency null for an event whose cause is not among the order's events
   */
  public record EventLine(
      EventEnvelope event, Instant storedAt, Duration hopLatency, String traceId) {}

  /** The state with the order's stored events, put in causal order. */
  public static OrderDetails of(OrderState state, List<StoredEvent> history) {
    Map<String, StoredEvent> byId = new HashMap<>();
    history.forEach(stored -> byId.putIfAbsent(stored.event().eventId().toString(), stored));
    List<EventLine> lines = new ArrayList<>();
    for (EventEnvelope event : CausalOrder.sort(OrderEventStore.events(history))) {
      StoredEvent cause =
          event.metadata().causationId() == null ? null : byId.get(event.metadata().causationId());
      lines.add(
          new EventLine(
              event,
              byId.get(event.eventId().toString()).storedAt(),
              cause == null ? null : Duration.between(cause.event().timestamp(), event.timestamp()),
              byId.get(event.eventId().toString()).traceId()));
    }
    return new OrderDetails(state, lines);
  }

  /**
   * The order's trace: that of its first event stored in one (the request or delivery that placed
   * it), or null when tracing was off.
   */
  public String traceId() {
    return events.stream()
        .map(EventLine::traceId)
        .filter(Objects::nonNull)
        .findFirst()
        .orElse(null);
  }

  /** The {@code show --json} object: the summary, {@code traceId} and {@code events}. */
  public Map<String, Object> toJson() {
    Map<String, Object> json = summaryJson(state);
    json.put("traceId", traceId());
    if (shippingAddress != null) {
      Map<String, Object> address =
          EventCodec.mapper().convertValue(shippingAddress, new TypeReference<>() {});
      if (erased) {
        address.put("erased", true);
      }
      json.put("shippingAddress", address);
    }
    List<Map<String, Object>> eventsJson = new ArrayList<>();
    for (EventLine line : events) {
      EventEnvelope event = line.event();
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("eventId", event.eventId().toString());
      e.put("eventType", event.eventType().wireName());
      e.put("timestamp", event.timestamp().toString());
      e.put("source", event.metadata().source());
      e.put("causationId", event.metadata().causationId());
      e.put("storedAt", line.storedAt().toString());
      e.put("hopLatencyMs", line.hopLatency() == null ? null : line.hopLatency().toMillis());
      e.put("traceId", line.traceId());
      eventsJson.add(e);
    }
    json.put("events", eventsJson);
    return json;
  }

  /** One order as {@code list --json} shows it: every field of the state, no events. */
  public static Map<String, Object> summaryJson(OrderState state) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("orderId", state.orderId());
    json.put("customerId", state.customerId());
    json.put("status", state.status().name());
    json.put("items", state.items());
    json.put("totalAmount", state.totalAmount());
    json.put("rejectionReason", state.rejectionReason());
    json.put("reservationId", state.reservationId());
    json.put("shipmentId", state.shipmentId());
    json.put("carrier", state.carrier());
    json.put("trackingNumber", state.trackingNumber());
    json.put("createdAt", text(state.createdAt()));
    json.put("reservedAt", text(state.reservedAt()));
    json.put("rejectedAt", text(state.rejectedAt()));
    json.put("shippedAt", text(state.shippedAt()));
    json.put("cancellationReason", state.cancellationReason());
    json.put("cancellationRefusal", state.cancellationRefusal());
    json.put("failureReason", state.failureReason());
    json.put("cancelledAt", text(state.cancelledAt()));
    json.put("failedAt", text(state.failedAt()));
    json.put("releasedAt", text(state.releasedAt()));
    json.put("updatedAt", text(state.lastEventAt()));
    json.put("eventCount", state.eventCount());
    return json;
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
