package orderflow.orderservice;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import orderflow.envelope.EventCodec;
import orderflow.envelope.OrderItem;
import orderflow.store.Dialect;

/**
 * The order read model (CQRS): one row per order, one column per {@link OrderState} field (its name
 * in snake case), replaced whole by each fold. Times are epoch milliseconds; money is its decimal
 * text, so a total keeps its scale on both databases; items are JSON.
 *
 * <p>Stateless and thread-safe; each call uses only the caller's connection.
 */
public final class OrderReadModel {
  private static final int FETCH_SIZE = 100;
  private static final TypeReference<List<OrderItem>> ITEMS = new TypeReference<>() {};
  private static final RecordComponent[] FIELDS = OrderState.class.getRecordComponents();
  private static final List<String> COLUMNS =
      Arrays.stream(FIELDS)
          .map(f -> f.getName().replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT))
          .toList();
  private static final String SELECT = "SELECT " + String.join(", ", COLUMNS) + " FROM orders";
  private static final String UPSERT =
      "INSERT INTO orders ("
          + String.join(", ", COLUMNS)
          + ") VALUES ("
          + "?, ".repeat(FIELDS.length - 1)
          + "?) ON CONFLICT (order_id) DO UPDATE SET "
          + COLUMNS.stream()
              .skip(1)
              .map(c -> c + " = excluded." + c)
              .collect(Collectors.joining(", "));
  private static final Constructor<OrderState> CONSTRUCTOR;

  static {
    try {
      CONSTRUCTOR =
          OrderState.class.getDeclaredConstructor(
              Arrays.stream(FIELDS).map(RecordComponent::getType).toArray(Class<?>[]::new));
    } catch (NoSuchMethodException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Writes the order's row, replacing what was there. */
  public void save(Connection connection, OrderState state) throws SQLException {
    try (PreparedStatement upsert = connection.prepareStatement(UPSERT)) {
      int index = 1;
      for (Object value : state.fields().values()) {
        if (value == null) {
          upsert.setNull(
              index, FIELDS[index - 1].getType() == Instant.class ? Types.BIGINT : Types.VARCHAR);
        } else {
          upsert.setObject(index, column(value));
        }
        index++;
      }
      upsert.executeUpdate();
    }
  }

  public Optional<OrderState> find(Connection connection, String orderId) throws SQLException {
    return select(connection, orderId, "");
  }

  /**
   * Like {@link #find}, and on PostgreSQL locks the row until the transaction ends, so two
   * transactions deciding from it run one after the other (SQLite's {@code BEGIN IMMEDIATE} already
   * serialises them).
   */
  public Optional<OrderState> findForUpdate(Connection connection, Dialect dialect, String orderId)
      throws SQLException {
    return select(connection, orderId, dialect == Dialect.POSTGRESQL ? " FOR UPDATE" : "");
  }

  private static Optional<OrderState> select(Connection connection, String orderId, String lock)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(SELECT + " WHERE order_id = ?" + lock)) {
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
    StringBuilder sql = new StringBuilder(SELECT + " WHERE 1 = 1");
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

  private static Object column(Object value) {
    if (value instanceof Instant instant) {
      return instant.toEpochMilli();
    } else if (value instanceof BigDecimal amount) {
      return amount.toPlainString();
    } else if (value instanceof OrderStatus status) {
      return status.name();
    }
    return value instanceof List<?> items ? itemsJson(items) : value;
  }

  private static OrderState read(ResultSet rows) throws SQLException {
    Object[] values = new Object[FIELDS.length];
    for (int i = 0; i < FIELDS.length; i++) {
      Class<?> type = FIELDS[i].getType();
      if (type == int.class) {
        values[i] = rows.getInt(i + 1);
      } else if (type == Instant.class) {
        long millis = rows.getLong(i + 1);
        values[i] = rows.wasNull() ? null : Instant.ofEpochMilli(millis);
      } else {
        String text = rows.getString(i + 1);
        if (text == null || type == String.class) {
          values[i] = text;
        } else if (type == OrderStatus.class) {
          values[i] = OrderStatus.valueOf(text);
        } else {
          values[i] = type == BigDecimal.class ? new BigDecimal(text) : items(text);
        }
      }
    }
    try {
      return CONSTRUCTOR.newInstance(values);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("unreadable order row in the read model", e);
    }
  }

  private static String itemsJson(List<?> items) {
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
}
