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
 * An order's state and its events in causal order with their hop latencies; the one place of an
 * order's JSON, so the CLI and the API never drift apart. {@code shippingAddress} is in clear, its
 * country only when {@code erased}, null when the order has none. Immutable.
 */
public record OrderDetails(
    OrderState state, List<EventLine> events, ShippingAddress shippingAddress, boolean erased) {
  public OrderDetails {
    events = List.copyOf(events);
  }

  /** One event as shown; {@code hopLatency} is null when its cause is not among the events. */
  public record EventLine(
      EventEnvelope event, Instant storedAt, Duration hopLatency, String traceId) {}

  /** The order in the read model with its address; the caller decides who may see it. */
  public static Optional<OrderDetails> find(
      Connection connection, String orderId, AddressCipher cipher) throws SQLException {
    Optional<OrderState> state = new OrderReadModel().find(connection, orderId);
    if (state.isEmpty()) {
      return Optional.empty();
    }
    List<OrderEventStore.StoredEvent> history = new OrderEventStore().history(connection, orderId);
    Map<String, OrderEventStore.StoredEvent> byId = new HashMap<>();
    history.forEach(stored -> byId.putIfAbsent(stored.event().eventId().toString(), stored));
    List<EventLine> lines = new ArrayList<>();
    ShippingAddress address = null;
    boolean erased = false;
    for (EventEnvelope event : OrderFold.sort(OrderEventStore.events(history))) {
      if (address == null
          && event.payload() instanceof OrderCreated order
          && order.shippingAddress() != null) {
        Optional<ShippingAddress> clear = cipher.open(connection, order);
        address = clear.orElse(ShippingAddress.country(order.shippingAddress().country()));
        erased = clear.isEmpty();
      }
      OrderEventStore.StoredEvent stored = byId.get(event.eventId().toString());
      OrderEventStore.StoredEvent cause = byId.get(event.metadata().causationId());
      lines.add(
          new EventLine(
              event,
              stored.storedAt(),
              cause == null ? null : Duration.between(cause.event().timestamp(), event.timestamp()),
              stored.traceId()));
    }
    return Optional.of(new OrderDetails(state.get(), lines, address, erased));
  }

  /** Of the order's first traced event, or null. */
  public String traceId() {
    return events.stream()
        .map(EventLine::traceId)
        .filter(Objects::nonNull)
        .findFirst()
        .orElse(null);
  }

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
    state
        .fields()
        .forEach(
            (name, value) -> {
              if (!name.equals("firstEventAt")) {
                boolean text = value instanceof Instant || value instanceof OrderStatus;
                json.put(
                    name.equals("lastEventAt") ? "updatedAt" : name, text ? "" + value : value);
              }
            });
    return json;
  }
}
