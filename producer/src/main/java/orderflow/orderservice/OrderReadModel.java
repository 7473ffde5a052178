package orderflow.orderservice;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import orderflow.envelope.EventCodec;
import orderflow.envelope.OrderItem;
import orderflow.store.Dialect;

/**
 * The order read model (CQRS): one row per order, replaced whole by each fold and read by the
 * queries. Money is stored as its decimal text, so a total keeps its scale on both databases.
 *
 * <p>Stateless and thread-safe; each call uses only the caller's connection.
 */
public final class OrderReadModel {
  private static final int FETCH_SIZE = 100;
  private static final TypeReference<List<OrderItem>> ITEMS = new TypeReference<>() {};
  private static final String COLUMNS =
      "order_id, customer_id, status, items, total_amount, rejection_reason, reservation_id,"
          + " shipment_id, carrier, tracking_number, created_at, reserved_at, rejected_at,"
          + " shipped_at, first_event_at, last_event_at, event_count, cancellation_reason,"
          + " cancellation_refusal, failure_reason, cancelled_at, failed_at, released_at";

  /** Writes the order's row, replacing what was there. */
  public void save(Connection connection, OrderState state) throws SQLException {
    try (PreparedStatement upsert =
        connection.prepareStatement(
            "INSERT INTO orders ("
                + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (order_id) DO UPDATE SET customer_id = excluded.customer_id,"
                + " status = excluded.status, items = excluded.items,"
                + " total_amount = excluded.total_amount,"
                + " rejection_reason = excluded.rejection_reason,"
                + " reservation_id = excluded.reservation_id, shipment_id = excluded.shipment_id,"
                + " carrier = excluded.carrier, tracking_number = excluded.tracking_number,"
                + " created_at = excluded.created_at, reserved_at = excluded.reserved_at,"
                + " rejected_at = excluded.rejected_at, shipped_at = excluded.shipped_at,"
                + " first_event_at = excluded.first_event_at,"
                + " last_event_at = excluded.last_event_at, event_count = excluded.event_count,"
                + " cancellation_reason = excluded.cancellation_reason,"
                + " cancellation_refusal = excluded.cancellation_refusal,"
                + " failure_reason = excluded.failure_reason, cancelled_at = excluded.cancelled_at,"
                + " failed_at = excluded.failed_at, released_at = excluded.released_at")) {
      upsert.setString(1, state.orderId());
      upsert.setString(2, state.customerId());
      upsert.setString(3, state.status().name());
      upsert.setString(4, itemsJson(state.items()));
      upsert.setString(5, state.totalAmount() == null ? null : state.totalAmount().toPlainString());
      upsert.setString(6, state.rejectionReason());
      upsert.setString(7, state.reservationId());
      upsert.setString(8, state.shipmentId());
      upsert.setString(9, state.carrier());
      upsert.setString(10, state.trackingNumber());
      setInstant(upsert, 11, state.createdAt());
      setInstant(upsert, 12, state.reservedAt());
      setInstant(upsert, 13, state.rejectedAt());
      setInstant(upsert, 14, state.shippedAt());
      setInstant(upsert, 15, state.firstEventAt());
      setInstant(upsert, 16, state.lastEventAt());
      upsert.setInt(17, state.eventCount());
      upsert.setString(18, state.cancellationReason());
      upsert.setString(19, state.cancellationRefusal());
      upsert.setString(20, state.failureReason());
      setInstant(upsert, 21, state.cancelledAt());
      setInstant(upsert, 22, state.failedAt());
      setInstant(upsert, 23, state.releasedAt());
      upsert.executeUpdate();
    }
  }

  public Optional<OrderState> find(Connection connection, String orderId) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT " + COLUMNS + " FROM orders WHERE order_id = ?")) {
      select.setString(1, orderId);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(read(rows)) : Optional.empty();
      }
    }
  }

  /**
   * Like {@link #find}, and on PostgreSQL locks the row until the transaction ends, so two
   * transactions deciding from it one after the other (SQLite's {@code BEGIN IMMEDIATE} already
   * serialises them).
   */
  public Optional<OrderState> findForUpdate(Connection connection, Dialect dialect, String orderId)
      throws SQLException {
    String lock = dialect == Dialect.POSTGRESQL ? " FOR UPDATE" : "";
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT " + COLUMNS + " FROM orders WHERE order_id = ?" + lock)) {
      select.setString(1, orderId);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(read(rows)) : Optional.empty();
      }
    }
  }

  /** The orders matching {@code filter}, newest first event first. */
  public List<OrderState> list(Connection connection, OrderFilter filter) throws SQLException {
    List<OrderState> orders = new ArrayList<>();
    forEach(connection, filter, orders::add);
    return orders;
  }

  /**
   * Hands each order matching {@code filter} to {@code sink} as it is read, newest first event
   * first, then by id (so a page can start after an {@link OrderCursor}).
   */
  public void forEach(Connection connection, OrderFilter filter, Consumer<OrderState> sink)
      throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM orders WHERE 1 = 1");
    List<Object> parameters = new ArrayList<>();
    if (filter.customerId() != null) {
      sql.append(" AND customer_id = ?");
      parameters.add(filter.customerId());
    }
    if (filter.status() != null) {
      sql.append(" AND status = ?");
      parameters.add(filter.status().name());
    }
    if (filter.since() != null) {
      sql.append(" AND first_event_at >= ?");
      parameters.add(filter.since().toEpochMilli());
    }
    if (filter.after() != null) {
      sql.append(" AND (first_event_at < ? OR (first_event_at = ? AND order_id > ?))");
      parameters.add(filter.after().firstEventAtMillis());
      parameters.add(filter.after().firstEventAtMillis());
      parameters.add(filter.after().orderId());
    }
    sql.append(" ORDER BY first_event_at DESC, order_id");
    if (filter.limit() > 0) {
      sql.append(" LIMIT ").append(filter.limit());
    }
    try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
      select.setFetchSize(FETCH_SIZE);
      for (int i = 0; i < parameters.size(); i++) {
        select.setObject(i + 1, parameters.get(i));
      }
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          sink.accept(read(rows));
        }
      }
    }
  }

  /** Orders per status, for summaries (the demo's). */
  public Map<OrderStatus, Long> countByStatus(Connection connection) throws SQLException {
    Map<OrderStatus, Long> counts = new EnumMap<>(OrderStatus.class);
    try (PreparedStatement select =
            connection.prepareStatement("SELECT status, COUNT(*) FROM orders GROUP BY status");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        counts.put(OrderStatus.valueOf(rows.getString(1)), rows.getLong(2));
      }
    }
    return counts;
  }

  private static OrderState read(ResultSet rows) throws SQLException {
    String total = rows.getString(5);
    return new OrderState(
        rows.getString(1),
        rows.getString(2),
        OrderStatus.valueOf(rows.getString(3)),
        items(rows.getString(4)),
        total == null ? null : new BigDecimal(total),
        rows.getString(6),
        rows.getString(7),
        rows.getString(8),
        rows.getString(9),
        rows.getString(10),
        instant(rows, 11),
        instant(rows, 12),
        instant(rows, 13),
        instant(rows, 14),
        rows.getString(18),
        rows.getString(19),
        rows.getString(20),
        instant(rows, 21),
        instant(rows, 22),
        instant(rows, 23),
        instant(rows, 15),
        instant(rows, 16),
        rows.getInt(17));
  }

  private static String itemsJson(List<OrderItem> items) {
    try {
      return EventCodec.mapper().writeValueAsString(items);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write order items as JSON", e);
    }
  }

  private static List<OrderItem> items(String json) {
    try {
      return EventCodec.mapper().readValue(json, ITEMS);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable order items in the read model", e);
    }
  }

  private static void setInstant(PreparedStatement statement, int index, Instant value)
      throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.BIGINT);
    } else {
      statement.setLong(index, value.toEpochMilli());
    }
  }

  private static Instant instant(ResultSet rows, int index) throws SQLException {
    long millis = rows.getLong(index);
    return rows.wasNull() ? null : Instant.ofEpochMilli(millis);
  }
}
