package orderflow.orderservice;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import orderflow.envelope.OrderItem;

/**
 * One order in the read model: what its events say, folded in causal order ({@link OrderFold}).
 * Fields an event has not supplied yet are null (an order whose {@code OrderCreated} has not
 * arrived has no customer). Times are the events' own timestamps. Immutable.
 *
 * @param cancellationReason why the order was cancelled, once a cancellation was asked for
 * @param cancellationRefusal why a cancellation was refused (the order had shipped or failed)
 * @param failureReason why shipping refused the order ({@link OrderStatus#FAILED})
 * @param releasedAt when inventory gave the order's reservation back
 * @param firstEventAt the earliest event timestamp, what {@code --since} filters on
 * @param eventCount distinct events folded
 */
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
  public OrderState {
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(status, "status");
    items = List.copyOf(items);
  }

  /** The names of the fields whose values differ between this state and {@code other}. */
  public List<String> differences(OrderState other) {
    List<String> names = new ArrayList<>();
    for (RecordComponent component : OrderState.class.getRecordComponents()) {
      try {
        Object mine = component.getAccessor().invoke(this);
        Object theirs = component.getAccessor().invoke(other);
        if (!Objects.equals(mine, theirs)) {
          names.add(component.getName());
        }
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException("cannot compare " + component.getName(), e);
      }
    }
    return names;
  }
}
