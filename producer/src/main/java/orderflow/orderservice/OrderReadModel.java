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
import orderflow.store.Sql;

/**
 * The order read model (CQRS): one row per order, one column per {@link OrderState} field (its name
 * in snake case), replaced whole by each fold. Times are epoch milliseconds; money is its decimal
 * text, so a total keeps its scale on both databases; items are JSON.
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

  @SuppressWarnings("unchecked") // a record without other constructors: the canonical one
  private static final Constructor<OrderState> CONSTRUCTOR =
      (Constructor<OrderState>) OrderState.class.getDeclaredConstructors()[0];

  /** Writes the order's row, replacing what was there. */
  public void save(Connection connection, OrderState state) throws SQLException {
    Sql.update(
        connection, UPSERT, state.fields().values().stream().map(OrderReadModel::column).toArray());
  }

  public Optional<OrderState> find(Connection connection, String orderId) throws SQLException {
    return Sql.first(connection, SELECT + " WHERE order_id = ?", OrderReadModel::read, orderId);
  }

  /** Like {@link #find}, and locks the row until the transaction ends (SQLite: the database). */
  public Optional<OrderState> findForUpdate(Connection connection, Dialect dialect, String orderId)
      throws SQLException {
    String lock = dialect == Dialect.POSTGRESQL ? " FOR UPDATE" : "";
    return Sql.first(
        connection, SELECT + " WHERE order_id = ?" + lock, OrderReadModel::read, orderId);
  }

  public List<OrderState> list(Connection connection, OrderFilter filter) throws SQLException {
    List<OrderState> orders = new ArrayList<>();
    forEach(connection, filter, orders::add);
    return orders;
  }

  /** Each order matching {@code filter} as it is read: newest first event first, then by id. */
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
    try (PreparedStatement select = Sql.prepare(connection, sql.toString(), parameters.toArray())) {
      select.setFetchSize(FETCH_SIZE);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          sink.accept(read(rows));
        }
      }
    }
  }

  private static Object column(Object value) {
    if (value == null) {
      return null;
    } else if (value instanceof Instant instant) {
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
    try {
      for (int i = 0; i < FIELDS.length; i++) {
        values[i] = field(FIELDS[i].getType(), rows.getObject(i + 1));
      }
      return CONSTRUCTOR.newInstance(values);
    } catch (ReflectiveOperationException | JsonProcessingException e) {
      throw new IllegalStateException("unreadable order row in the read model", e);
    }
  }

  private static Object field(Class<?> type, Object column) throws JsonProcessingException {
    if (column == null) {
      return null;
    } else if (type == int.class) {
      return ((Number) column).intValue();
    } else if (type == Instant.class) {
      return Instant.ofEpochMilli(((Number) column).longValue());
    } else if (type == OrderStatus.class) {
      return OrderStatus.valueOf(column.toString());
    } else if (type == BigDecimal.class) {
      return new BigDecimal(column.toString());
    }
    return type == List.class ? EventCodec.mapper().readValue(column.toString(), ITEMS) : column;
  }

  private static String itemsJson(List<?> items) {
    try {
      return EventCodec.mapper().writeValueAsString(items);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write order items as JSON", e);
    }
  }
}
