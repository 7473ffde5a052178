package orderflow.orderservice;

import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import orderflow.envelope.OrderItem;

/** One order in the read model, folded from its events; a field no event supplied is null. */
public record OrderState(
    String orderId,
    String customerId,
    OrderStatus status,
    List<OrderItem> items,
    BigDecimal totalAmount,
    String rejectionReason,
    String reservationId,
    String shipmentId,
    String carrier,
    String trackingNumber,
    Instant createdAt,
    Instant reservedAt,
    Instant rejectedAt,
    Instant shippedAt,
    String cancellationReason,
    String cancellationRefusal,
    String failureReason,
    Instant cancelledAt,
    Instant failedAt,
    Instant releasedAt,
    Instant firstEventAt,
    Instant lastEventAt,
    int eventCount) {
  // Looked up once: every read-model save lists the fields.
  private static final List<Method> ACCESSORS =
      Arrays.stream(OrderState.class.getRecordComponents())
          .map(RecordComponent::getAccessor)
          .toList();

  public OrderState {
    items = List.copyOf(items);
  }

  Map<String, Object> fields() {
    Map<String, Object> fields = new LinkedHashMap<>();
    for (Method accessor : ACCESSORS) {
      try {
        fields.put(accessor.getName(), accessor.invoke(this));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot read " + accessor.getName(), e);
      }
    }
    return fields;
  }

  /** The names of the fields whose values differ between this state and {@code other}. */
  public List<String> differences(OrderState other) {
    Map<String, Object> theirs = other.fields();
    return fields().entrySet().stream()
        .filter(field -> !Objects.equals(field.getValue(), theirs.get(field.getKey())))
        .map(Map.Entry::getKey)
        .toList();
  }
}
